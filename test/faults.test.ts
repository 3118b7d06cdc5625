// Faults between this server and Coder, each injected by the fake: every call ends in a clear result within the
// time-out, reads are retried when that is safe, writes never, and the next call works.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type CallToolResult, LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import type { Fault } from "./fake-coder/index.js";
import { type World, world } from "./harness.js";

/**
 * The time-out of the server that meets the slow-response fault: short, since each such call waits it out. Every
 * other fault meets a server with a roomy time-out, so that no request of theirs runs into it on a busy machine.
 */
const TIMEOUT_S = 2;
const ROOMY_TIMEOUT_S = 60;

const FAULTS: Array<[string, Fault]> = [
  ["connection reset mid-request", { kind: "reset" }],
  ["a response slower than the time-out", { kind: "delay", ms: TIMEOUT_S * 1000 + 3000 }],
  ["500", { status: 500, contentType: "application/json", body: '{"message":"Internal error."}' }],
  ["HTML 502 from a proxy", { status: 502, contentType: "text/html", body: "<h1>502 Bad Gateway</h1>" }],
  ["HTML 503 from a proxy", { status: 503, contentType: "text/html", body: "<h1>503 Service Unavailable</h1>" }],
  [
    "429 with Retry-After",
    {
      status: 429,
      contentType: "application/json",
      headers: { "Retry-After": "0" },
      body: '{"message":"Rate limited."}',
    },
  ],
  ["truncated JSON", { status: 200, contentType: "application/json", body: '{"tasks":[{"id":"' }],
];

/** Each write, with its arguments for a fresh task (a delayed request is still carried out by the fake, late). */
const WRITES: Array<[string, (task: string) => Record<string, unknown>, RegExp]> = [
  ["coder_send_task_input", (task) => ({ task_id: task, input: "once" }), /\/send$/],
  ["coder_pause_task", (task) => ({ task_id: task }), /\/pause$/],
  ["coder_delete_task", (task) => ({ task_id: task }), /^\/api\/v2\/tasks\/me\/[0-9a-f-]{36}$/],
  ["coder_create_task", () => ({ input: "new work", template: "claude-code" }), /^\/api\/v2\/tasks\/me$/],
];

const isDelay = (fault: Fault) => "kind" in fault && fault.kind === "delay";

describe("faults on the way to Coder", () => {
  let w: World;
  let impatient: World;
  const logs: string[] = [];
  before(async () => {
    w = await world({}, { CODER_TASKS_MCP_TIMEOUT_SECONDS: String(ROOMY_TIMEOUT_S) });
    impatient = await world({}, { CODER_TASKS_MCP_TIMEOUT_SECONDS: String(TIMEOUT_S) });
    w.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.push(String(n.params.data));
    });
    await w.client.setLoggingLevel("warning");
    for (const server of [w, impatient]) {
      server.fake.addTemplate({ name: "claude-code" });
      server.fake.addTask({ name: "target", state: { state: "idle", message: "ready" } });
    }
    assert.equal((await w.call("coder_get_task", { task_id: "target" })).isError, false);
    // A first call pays for connecting and detecting the deployment; on a busy machine that may outlast the short
    // time-out, which is not what the tests below are about.
    for (let i = 0; i < 5 && (await impatient.call("coder_get_task", { task_id: "target" })).isError; i++);
  });
  after(() => Promise.all([w?.close(), impatient?.close()]));

  for (const [what, fault] of FAULTS) {
    it(`a read survives one ${what}, retried and logged`, async () => {
      const server = isDelay(fault) ? impatient : w;
      const before = server.fake.requests.length;
      logs.length = 0;
      server.fake.injectFault({ method: "GET", path: /^\/api\/v2\/tasks$/ }, fault);
      const r = await server.call("coder_list_tasks");
      if (isDelay(fault)) {
        // The time-out bounds all tries together: a slow answer is not tried again.
        assert.equal(r.isError, true);
        assert.match(r.text, new RegExp(`did not answer within ${TIMEOUT_S} s`));
        assert.equal(server.fake.requests.length - before, 1);
      } else if ("status" in fault && fault.status === 500) {
        assert.equal(r.isError, true, "a 500 is not transient: no retry");
        assert.match(r.text, /500 Internal Server Error [\s\S]*\nInternal error\.\n/);
        assert.equal(w.fake.requests.length - before, 1);
      } else {
        assert.equal(r.isError, false, r.text);
        assert.equal(w.fake.requests.length - before, 2, "one failed try and one retry");
        assert.equal(logs.length, 1, logs.join("\n"));
        assert.match(
          logs[0] ?? "",
          /^GET \/api\/v2\/tasks failed \(.+\); trying again in \d+ ms \(attempt 2 of 3\)\.$/,
        );
      }
      const next = await server.call("coder_get_task", { task_id: "target" });
      assert.equal(next.isError, false, `the next call works: ${next.text}`);
    });
  }

  it("aborts the Coder request of a cancelled call at once, and the next call works", async () => {
    const patient = await world({}, { CODER_TASKS_MCP_TIMEOUT_SECONDS: "60" });
    try {
      patient.fake.addTemplate({ name: "claude-code" });
      patient.fake.addTask({ name: "slow" });
      // Far longer than the test may take: only an aborted request lets the call end.
      patient.fake.injectFault({ method: "GET", path: /^\/api\/v2\/tasks$/ }, { kind: "delay", ms: 600_000 });
      const controller = new AbortController();
      const arrived = patient.fake.waitForRequests((r) => r.path === "/api/v2/tasks", 1, "the list request");
      const call = patient.client.callTool({ name: "coder_list_tasks", arguments: {} }, undefined, {
        signal: controller.signal,
      });
      await arrived;
      controller.abort();
      await assert.rejects(call, /abort/i);
      const next = await patient.call("coder_get_task", { task_id: "slow" });
      assert.equal(next.isError, false, next.text);
    } finally {
      await patient.close();
    }
  });

  it("gives up on a read after three tries", async () => {
    // A roomy time-out, so that the back-off never runs into it.
    const patient = await world({}, { CODER_TASKS_MCP_TIMEOUT_SECONDS: "30" });
    try {
      patient.fake.injectFault({ method: "GET", path: /^\/api\/v2\/tasks$/, times: 3 }, FAULTS[3]?.[1] as Fault);
      const r = await patient.call("coder_list_tasks");
      assert.equal(r.isError, true);
      assert.match(r.text, /502 Bad Gateway/);
      assert.equal(patient.fake.requests.filter((q) => q.path === "/api/v2/tasks").length, 3);
    } finally {
      await patient.close();
    }
  });

  it("does not wait longer than a Retry-After cap allows", async () => {
    w.fake.injectFault(
      { method: "GET", path: /^\/api\/v2\/tasks$/ },
      {
        status: 429,
        contentType: "application/json",
        headers: { "Retry-After": "3600" },
        body: '{"message":"Slow down."}',
      },
    );
    const r = await w.call("coder_list_tasks");
    assert.equal(r.isError, true);
    assert.match(r.text, /429 Too Many Requests [\s\S]*\nSlow down\.\n/);
    assert.match(r.text, /wait 3600 s before trying again/);
  });

  it("passes a long Retry-After on to the user rather than waiting it out, however roomy the time-out", async () => {
    // An hour to answer: only the cap on Retry-After keeps the server from waiting half an hour in silence.
    const patient = await world({}, { CODER_TASKS_MCP_TIMEOUT_SECONDS: "3600" });
    try {
      // The warning that announces a retry is the event that tells waiting from answering.
      let retrying: () => void = () => {};
      const warned = new Promise<string>((resolve) => {
        retrying = () => resolve("retrying");
      });
      patient.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
        if (/trying again/.test(String(n.params.data))) retrying();
      });
      await patient.client.setLoggingLevel("debug");
      patient.fake.injectFault(
        { method: "GET", path: /^\/api\/v2\/tasks$/ },
        {
          status: 429,
          contentType: "application/json",
          headers: { "Retry-After": "1800" },
          body: '{"message":"Slow down."}',
        },
      );
      const controller = new AbortController();
      const call = patient.client.callTool({ name: "coder_list_tasks", arguments: {} }, undefined, {
        signal: controller.signal,
      }) as Promise<CallToolResult>;
      const first = await Promise.race([call.then(() => "answered"), warned]);
      if (first !== "answered") {
        controller.abort();
        await call.catch(() => undefined);
      }
      assert.equal(first, "answered", "the server set out to wait 1800 s for a retry");
      const r = await call;
      assert.equal(r.isError, true);
      const text = r.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
      assert.match(text, /429 Too Many Requests [\s\S]*\nSlow down\./);
      assert.match(text, /wait 1800 s before trying again/);
      assert.equal(patient.fake.requests.filter((q) => q.path === "/api/v2/tasks").length, 1);
    } finally {
      await patient.close();
    }
  });

  for (const [tool, args, path] of WRITES) {
    it(`${tool} sends exactly one request under every fault, and says it may have arrived`, async () => {
      for (const [i, [what, fault]] of FAULTS.entries()) {
        const server = isDelay(fault) ? impatient : w;
        const task = `${tool.replaceAll("_", "-").slice(6)}-${i}`;
        server.fake.addTask({ name: task, state: { state: "idle", message: "ready" } });
        const posts = () => server.fake.requests.filter((q) => q.method !== "GET" && path.test(q.path)).length;
        const before = posts();
        server.fake.injectFault({ method: tool === "coder_delete_task" ? "DELETE" : "POST", path }, fault);
        const r = await server.call(tool, args(task));
        assert.equal(posts() - before, 1, `${tool} under ${what}`);
        assert.equal(r.isError, true, `${tool} under ${what}: ${r.text}`);
        if (!("status" in fault) || fault.status >= 500 || fault.status === 200) {
          assert.match(r.text, /may have reached Coder: check .* before calling .* again/, `${tool} under ${what}`);
        }
      }
    });
  }
});
