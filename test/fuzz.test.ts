// Property-based: whatever a model sends as arguments, every call ends in an error that names what to fix (an
// argument, the value given for one, or Coder's refusal of the request) or in a result that matches the tool's
// output schema; the server keeps serving, and no request for a task identifier ever leaves the task routes.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
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

/** Values a tool accepts, so that calls also get past validation and reach Coder. */
const PLAUSIBLE: Record<string, fc.Arbitrary<unknown>> = {
  task_id: fc.constantFrom("fix-login", "alice/fix-login", "me/fix-login", "no-such-task"),
  input: fc.constantFrom("Add a test", "  padded  "),
  template: fc.constant("claude-code"),
  preset: fc.constantFrom("Small", "small"),
  name: fc.constantFrom("fuzzed-task", "Fuzzed-2"),
  display_name: fc.constant("Fuzzed task"),
  user: fc.constantFrom("me", "alice"),
  status: fc.constantFrom("active", "paused", "error"),
  until: fc.constantFrom("idle", "active", "paused", "any_change"),
  type: fc.constantFrom("input", "output", "all"),
  limit: fc.integer({ min: 1, max: 50 }),
  wait: fc.boolean(),
  resume: fc.boolean(),
  timeout_seconds: fc.constant(1),
};

/** Arguments: each known field maybe present with any value, maybe an extra field. */
function argsFor(fields: readonly string[]) {
  // Mostly plausible values, so that calls reach Coder as well as validation.
  const known = Object.fromEntries(
    fields.map((f) => {
      const plausible = PLAUSIBLE[f];
      const value = plausible
        ? fc.oneof(
            { arbitrary: plausible, weight: 3 },
            { arbitrary: nasty, weight: 1 },
            { arbitrary: anyValue, weight: 1 },
          )
        : fc.oneof(nasty, anyValue);
      return [f, fc.option(value, { nil: undefined })];
    }),
  );
  const extra = fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: anyValue, weight: 1 });
  return fc.record({ ...known, extra }).map((args) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(args)) if (v !== undefined) out[k] = v;
    // Waiting is bounded here so that a run stays short (the default is 45 s); the arguments are otherwise what
    // was drawn.
    if (typeof out.timeout_seconds === "number") out.timeout_seconds = Math.min(Math.abs(out.timeout_seconds), 1);
    if (fields.includes("timeout_seconds") && out.timeout_seconds === undefined) out.timeout_seconds = 1;
    return out;
  });
}

/**
 * Whether `text` names one of the arguments given or declared, as a validation message does ("at task_id",
 * `Unrecognized key: "extra"`, `task_id "x" is not ...`), or the value given for one (`No task "a"`).
 */
function namesAnArgument(text: string, args: Record<string, unknown>, fields: readonly string[]): boolean {
  const named = [...new Set([...fields, ...Object.keys(args)])].some((key) =>
    [`at ${key}`, `"${key}"`, `${key} "`, `${key}:`, `${key} must`, `${key} is`, `${key} or `, `as ${key}`].some(
      (form) => text.includes(form),
    ),
  );
  return (
    named ||
    Object.values(args).some((value) => {
      if (typeof value !== "string" || value.trim() === "") return false;
      const given = value.trim();
      // A task is named as owner/name in refusals ("Task alice/fix-login is already paused").
      return text.includes(`"${given}"`) || (given.length >= 3 && text.includes(`/${given.split("/").at(-1)} `));
    })
  );
}

/** Coder's own refusal, passed on with the request it answered and its message (fenced), e.g. a busy agent's 409. */
const CODER_REFUSAL =
  /^Coder answered \d{3} [A-Za-z ]+ to (GET|POST|PATCH|DELETE) \/api\/\S+\n.*\n<untrusted-coder-text-\w+>\n\S/;

const TASK_PATH = /^\/api\/v2\/tasks(\/[^/]+(\/[^/]+(\/(send|input|pause|resume|logs))?)?)?$/;
const OTHER_PATHS = /^\/api\/v2\/(buildinfo|users\/me|templates|templates\/[^/]+|templateversions\/[^/]+\/presets)$/;

describe("any arguments", () => {
  let w: World;
  const outputSchemas = new Map<string, ValidateFunction>();
  before(async () => {
    w = await world({ lifecycle: { stepMs: 5 } }, { CODER_TASKS_MCP_TIMEOUT_SECONDS: "30" });
    w.fake.addTemplate({ name: "claude-code", presets: [{ name: "Small" }] });
    w.fake.addTask({ name: "fix-login", state: { state: "idle", message: "ok" } });
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    for (const tool of (await w.client.listTools()).tools) {
      if (tool.outputSchema) outputSchemas.set(tool.name, ajv.compile(tool.outputSchema));
    }
  });
  after(() => w.close());

  for (const [tool, fields] of Object.entries(TOOLS)) {
    it(`${tool}: an error that names what to fix, or a well-formed result`, async () => {
      const validate = outputSchemas.get(tool);
      assert.ok(validate, `${tool} has an output schema`);
      await fc.assert(
        fc.asyncProperty(argsFor(fields), async (args) => {
          let r: CallToolResult;
          try {
            r = (await w.client.callTool({ name: tool, arguments: args })) as CallToolResult;
          } catch (err) {
            // A JSON-RPC error is acceptable only as invalid params that name the argument.
            assert.equal((err as { code?: unknown }).code, -32602, String(err));
            assert.ok(namesAnArgument(String(err), args, fields), `names no argument: ${String(err)}`);
            return;
          }
          const text = r.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
          assert.ok(r.content.length > 0 && text.trim().length > 0, "a result with text");
          if (r.isError) {
            assert.equal(r.structuredContent, undefined);
            assert.ok(
              namesAnArgument(text, args, fields) || CODER_REFUSAL.test(text),
              `an error that names neither an argument nor Coder's refusal: ${text}`,
            );
            assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+/, "no stack trace");
          } else {
            assert.ok(validate(r.structuredContent), `${JSON.stringify(validate.errors)} in ${text}`);
          }
        }),
        { numRuns: RUNS },
      );
      // A call that depends on no task: the fuzzed calls may have paused or deleted any of them.
      const alive = (await w.client.callTool({ name: "coder_list_tasks", arguments: {} })) as CallToolResult;
      assert.equal(alive.isError, undefined, "the server still serves");
    });
  }

  it("refuses an input over the limit it publishes before sending anything", async () => {
    const tool = (await w.client.listTools()).tools.find((t) => t.name === "coder_send_task_input");
    const limit = (tool?.inputSchema.properties?.input as { maxLength?: number } | undefined)?.maxLength;
    assert.ok(limit, "the input schema states the limit");
    const before = w.fake.requests.length;
    const r = (await w.client.callTool({
      name: "coder_send_task_input",
      arguments: { task_id: "fix-login", input: "x".repeat(limit + 1) },
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
