// Property-based: whatever a model sends as arguments, every call ends in a JSON-RPC error or a tool result, the
// server keeps serving, and no request for a task identifier ever leaves the task routes.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import fc from "fast-check";
import { type World, world } from "./harness.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

/** Strings a model or an attacker might put in an argument. */
const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom(
    "",
    " ",
    "..",
    ".",
    "../..",
    "me/..",
    "a/b/c",
    "alice/",
    "/x",
    "%2F",
    "a%2Fb",
    "%2e%2e",
    "x?y=1",
    "x#frag",
    "a\u0000b",
    "\u202etask",
    "tâche",
    "名前",
    "alice/fix-login",
    "me",
    "00000000-0000-0000-0000-000000000000",
  ),
  fc.string({ minLength: 190, maxLength: 210 }),
  fc.constant("x".repeat(100_001)),
);

const anyValue = fc.oneof(
  nasty,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(nasty, { maxLength: 3 }),
  fc.dictionary(nasty, nasty, { maxKeys: 2 }),
);

const TOOLS = {
  coder_list_tasks: ["user", "status", "organization"],
  coder_get_task: ["task_id"],
  coder_list_templates: ["organization"],
  coder_create_task: [
    "input",
    "template",
    "template_version_id",
    "preset",
    "template_version_preset_id",
    "name",
    "display_name",
    "user",
    "wait",
    "timeout_seconds",
  ],
  coder_wait_for_task: ["task_id", "until", "timeout_seconds"],
  coder_send_task_input: ["task_id", "input", "wait", "resume", "timeout_seconds"],
  coder_get_task_logs: ["task_id", "limit", "type", "before_id", "after_id"],
  coder_update_task_input: ["task_id", "input"],
  coder_pause_task: ["task_id"],
  coder_resume_task: ["task_id"],
  coder_delete_task: ["task_id"],
} as const;

/** Arguments: each known field maybe present with any value, maybe an extra field. */
function argsFor(fields: readonly string[]) {
  const known = Object.fromEntries(fields.map((f) => [f, fc.option(fc.oneof(nasty, anyValue), { nil: undefined })]));
  return fc.record({ ...known, extra: fc.option(anyValue, { nil: undefined }) }).map((args) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(args)) if (v !== undefined) out[k] = v;
    // Waiting is bounded here so that a run stays short; the arguments are otherwise what was drawn.
    if (typeof out.timeout_seconds === "number") out.timeout_seconds = Math.min(Math.abs(out.timeout_seconds), 1);
    return out;
  });
}

const TASK_PATH = /^\/api\/v2\/tasks(\/[^/]+(\/[^/]+(\/(send|input|pause|resume|logs))?)?)?$/;
const OTHER_PATHS = /^\/api\/v2\/(buildinfo|users\/me|templates|templates\/[^/]+|templateversions\/[^/]+\/presets)$/;

describe("any arguments", () => {
  let w: World;
  before(async () => {
    w = await world({ lifecycle: { stepMs: 5 } }, { CODER_TASKS_MCP_TIMEOUT_SECONDS: "30" });
    w.fake.addTemplate({ name: "claude-code", presets: [{ name: "Small" }] });
    w.fake.addTask({ name: "fix-login", state: { state: "idle", message: "ok" } });
  });
  after(() => w.close());

  for (const [tool, fields] of Object.entries(TOOLS)) {
    it(`${tool}: a JSON-RPC error or a tool result, never a crash`, async () => {
      await fc.assert(
        fc.asyncProperty(argsFor(fields), async (args) => {
          let outcome: "result" | "error";
          try {
            const r = (await w.client.callTool({ name: tool, arguments: args })) as CallToolResult;
            assert.ok(Array.isArray(r.content) && r.content.length > 0);
            if (r.isError) assert.equal(r.structuredContent, undefined);
            outcome = "result";
          } catch (err) {
            assert.equal(typeof (err as { code?: unknown }).code, "number", String(err));
            outcome = "error";
          }
          assert.ok(outcome);
        }),
        { numRuns: RUNS },
      );
      // A call that depends on no task: the fuzzed calls may have paused or deleted any of them.
      const alive = (await w.client.callTool({ name: "coder_list_tasks", arguments: {} })) as CallToolResult;
      assert.equal(alive.isError, undefined, "the server still serves");
    });
  }

  it("refuses an input over the limit before sending anything", async () => {
    const before = w.fake.requests.length;
    const r = (await w.client.callTool({
      name: "coder_send_task_input",
      arguments: { task_id: "fix-login", input: "x".repeat(100_001) },
    })) as CallToolResult;
    assert.equal(r.isError, true);
    assert.equal(w.fake.requests.length, before);
  });

  it("never sent a request outside the routes it may use, nor a task identifier across segments", () => {
    const bad = w.fake.requests.filter((r) => {
      const path = r.rawUrl.split("?")[0] ?? "";
      return !TASK_PATH.test(path) && !OTHER_PATHS.test(path);
    });
    assert.deepEqual(
      bad.map((r) => `${r.method} ${r.rawUrl}`),
      [],
    );
    assert.ok(w.fake.requests.length > 0);
  });
});
