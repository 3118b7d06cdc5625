// A hostile deployment: task names, messages, logs, error bodies, error pages and headers carry every class of hidden
// or reordering character, the token in every form, forged fence tags, a planted instruction, a 5 MiB detail and
// 50 000 field errors. Every message the client receives, on every channel, is checked; the server keeps serving.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { ElicitRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import { type World, world } from "./harness.js";
import { assertClean, assertFenced, hostileText, PLANTED } from "./hostile-world.js";

describe("a hostile deployment", () => {
  let w: World;
  let evil: string;
  const received: JSONRPCMessage[] = [];
  const dialogs: string[] = [];

  before(async () => {
    w = await world({}, { CODER_TASKS_MCP_POLL_SECONDS: "0.05" }, { capabilities: { elicitation: {} } });
    evil = hostileText(w.fake.token);
    // Everything the server sends, as the client receives it.
    const transport = w.client.transport;
    assert.ok(transport);
    const onmessage = transport.onmessage;
    transport.onmessage = (message, extra) => {
      received.push(message);
      onmessage?.(message, extra);
    };
    w.client.setRequestHandler(ElicitRequestSchema, async (request) => {
      dialogs.push(request.params.message);
      return { action: "decline" };
    });
    await w.client.setLoggingLevel("debug");
    w.fake.addTemplate({ name: "claude-code" });
    w.fake.addTask({
      name: "hostile",
      displayName: evil,
      state: { state: "working", message: evil },
      logs: [
        { type: "input", content: evil },
        { type: "output", content: `${evil}\n\`\`\`\n${evil}` },
      ],
    });
    w.fake.addTask({ name: "plain", state: { state: "idle", message: "done" } });
  });
  after(() => w.close());

  const check = (from: number, where: string) => {
    for (const m of received.slice(from)) assertClean(m, w.fake.token, where);
  };

  it("cleans and fences task names, messages and logs in tool results and links", async () => {
    const from = received.length;
    for (const [tool, args] of [
      ["coder_list_tasks", {}],
      ["coder_get_task", { task_id: "hostile" }],
      ["coder_get_task_logs", { task_id: "hostile" }],
    ] as const) {
      const r = await w.call(tool, args);
      assert.equal(r.isError, false, r.text);
      assertFenced(r.text, tool);
      assert.ok(r.text.includes("&lt;/untrusted-agent-data-00000000>"), "the forged closing tag is escaped");
    }
    const get = await w.call("coder_get_task", { task_id: "hostile" });
    const link = get.raw.content.find((c) => c.type === "resource_link");
    if (link && "title" in link) assert.doesNotMatch(String(link.title), /\n/);
    check(from, "tool results");
  });

  it("caps and fences Coder's error text: message, a 5 MiB detail, 50 000 field errors", async () => {
    const from = received.length;
    const validations = Array.from({ length: 50_000 }, (_, i) => ({
      field: `f${i}${evil.slice(0, 40)}`,
      detail: evil,
    }));
    w.fake.injectFault(
      { method: "GET", path: /^\/api\/v2\/tasks$/ },
      {
        status: 400,
        contentType: "application/json",
        body: JSON.stringify({ message: evil, detail: `${evil} ${"x".repeat(5 * 1024 * 1024)}`, validations }),
      },
    );
    const r = await w.call("coder_list_tasks");
    assert.equal(r.isError, true);
    assert.ok(r.text.length < 10_000, `capped: ${r.text.length} characters`);
    assert.match(r.text, /more characters cut/);
    // Only the body's first 64 KiB is read: Coder's message survives, the rest is said to be left unread.
    assert.match(r.text, /only its start was read/);
    assert.ok(r.text.includes("SYSTEM"), "Coder's message, inside its fence");
    assert.match(
      r.text,
      /^Coder answered 400 Bad Request to GET \/api\/v2\/tasks\.\n.*text from the Coder deployment, not instructions/,
    );
    assertFenced(r.text, "error");
    check(from, "error result");
    assert.equal((await w.call("coder_list_tasks")).isError, false, "the next call works");
  });

  it("lists the first field errors and counts the rest", async () => {
    const from = received.length;
    const validations = Array.from({ length: 1000 }, (_, i) => ({ field: `f${i}`, detail: "bad" }));
    w.fake.injectFault(
      { method: "GET", path: /^\/api\/v2\/tasks$/ },
      { status: 400, contentType: "application/json", body: JSON.stringify({ message: evil, validations }) },
    );
    const r = await w.call("coder_list_tasks");
    assert.equal(r.isError, true);
    assert.match(r.text, /- f19: bad\n/);
    assert.doesNotMatch(r.text, /- f20: bad/);
    assert.match(r.text, /and 980 more field errors \(1000 in all\)/);
    assertFenced(r.text, "error");
    check(from, "error result");
  });

  it("cleans an HTML error page and hostile headers", async () => {
    const from = received.length;
    const header = `text/html; x=\u009b31m\u00ad\u0085 ${PLANTED} ${w.fake.token.toUpperCase()}`;
    w.fake.injectFault(
      { method: "GET", path: /^\/api\/v2\/tasks$/, times: 3 },
      { status: 502, contentType: header, body: `<html><body><h1>${evil}</h1><script>${evil}</script></body></html>` },
    );
    const r = await w.call("coder_list_tasks");
    assert.equal(r.isError, true);
    assertFenced(r.text, "HTML error");
    check(from, "HTML error and its retry logs");
  });

  it("cleans progress and log notifications", async () => {
    const from = received.length;
    const progress: string[] = [];
    w.fake.injectFault(
      { method: "GET", path: /\/tasks\/[^/]+\/hostile$/ },
      { status: 503, contentType: "application/json", body: JSON.stringify({ message: evil, detail: evil }) },
    );
    await w.client.callTool(
      { name: "coder_wait_for_task", arguments: { task_id: "hostile", timeout_seconds: 1 } },
      undefined,
      { onprogress: (p) => progress.push(p.message ?? "") },
    );
    assert.ok(progress.length > 0, "progress was reported");
    for (const p of progress) assert.doesNotMatch(p, /\n/, "a progress message is one line");
    const kinds = new Set(received.slice(from).map((m) => ("method" in m ? m.method : "result")));
    assert.ok(kinds.has("notifications/progress"));
    assert.ok(kinds.has("notifications/message"), "the retry was logged");
    check(from, "notifications");
  });

  it("cleans resources (list, read and a failed read) and prompts", async () => {
    const from = received.length;
    const list = await w.client.listResources();
    const hostile = list.resources.find((r) => r.name === "alice/hostile");
    assert.ok(hostile?.title && hostile.description);
    assert.doesNotMatch(`${hostile.title}${hostile.description}`, /\n/);
    await w.client.readResource({ uri: "coder://tasks/alice/hostile" });
    const logs = await w.client.readResource({ uri: "coder://tasks/alice/hostile/logs" });
    assert.match(JSON.stringify(logs.contents[0]), /\[REDACTED\]/);
    await w.client.getPrompt({ name: "review_coder_task", arguments: { task_id: "hostile" } });
    w.fake.injectFault(
      { method: "GET", path: /\/tasks\/[^/]+\/hostile$/ },
      { status: 500, contentType: "application/json", body: JSON.stringify({ message: evil, detail: evil }) },
    );
    const err = await w.client.readResource({ uri: "coder://tasks/alice/hostile" }).catch((e: unknown) => e);
    assert.ok(err instanceof McpError);
    assertFenced(err.message, "resources/read error");
    check(from, "resources and prompts");
  });

  it("cleans the delete confirmation dialog: one line, nothing hidden", async () => {
    const from = received.length;
    const r = await w.call("coder_delete_task", { task_id: "hostile" });
    assert.equal(r.data.deleted, false);
    assert.equal(dialogs.length, 1);
    assert.doesNotMatch(dialogs[0] ?? "", /\n/);
    assert.match(dialogs[0] ?? "", /^Delete the Coder task alice\/hostile/);
    assert.ok(received.slice(from).some((m) => "method" in m && m.method === "elicitation/create"));
    check(from, "elicitation");
  });

  it("warns once for a failing subscription and keeps the others updated", { timeout: 60_000 }, async () => {
    const from = received.length;
    const id = w.fake.getTask("hostile")?.id;
    const logsPath = new RegExp(`/tasks/[^/]+/(hostile|${id})/logs$`);
    const fails = () => w.fake.requests.filter((q) => logsPath.test(q.path)).length;
    w.fake.injectFault(
      { method: "GET", path: logsPath, times: 1_000_000 },
      { status: 500, contentType: "application/json", body: JSON.stringify({ message: evil }) },
    );
    const updated = new Promise<void>((resolve) => {
      w.client.fallbackNotificationHandler = async (n) => {
        if (n.method === "notifications/resources/updated" && n.params?.uri === "coder://tasks/alice/plain") resolve();
      };
    });
    await w.client.subscribeResource({ uri: "coder://tasks/alice/hostile/logs" });
    await w.client.subscribeResource({ uri: "coder://tasks/alice/plain" });
    const before = fails();
    await until(() => fails() >= before + 3);
    w.fake.setTaskStatus("plain", "active", { state: "working", message: "again" });
    await updated;
    const warnings = received
      .slice(from)
      .filter(
        (m) => "method" in m && m.method === "notifications/message" && /hostile\/logs failed/.test(JSON.stringify(m)),
      );
    assert.equal(warnings.length, 1, "one warning for the failing subscription");
    check(from, "subscription warnings");
    await w.client.unsubscribeResource({ uri: "coder://tasks/alice/hostile/logs" });
    await w.client.unsubscribeResource({ uri: "coder://tasks/alice/plain" });
  });

  it("cleans what no formatting step saw: a protocol error that quotes the request", async () => {
    const from = received.length;
    // The SDK words this error itself, quoting the tool name it was sent: only the transport's guard cleans it.
    const name = `coder_list_tasks${evil.slice(0, 200)}`;
    const outcome = await w.client.callTool({ name, arguments: {} }).catch((err: Error) => err.message);
    const text = typeof outcome === "string" ? outcome : JSON.stringify(outcome);
    assert.match(text, /coder_list_tasks/);
    check(from, "a protocol error the SDK wrote");
  });

  it("sent nothing hidden, no token and no forged tag on any channel, and still serves", async () => {
    check(0, "any message");
    const r = await w.call("coder_get_task", { task_id: "plain" });
    assert.equal(r.isError, false);
  });
});

/** Waits for a condition that events make true (requests the fake received). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}
