// Bodies from Coder are read within a limit: huge or endless answers fail fast with an error that names the limit,
// are not tried again, and leave the server serving.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { callTool, connect, type World, world } from "./harness.js";

const MiB = 1024 * 1024;
const CHUNK = "x".repeat(64 * 1024);
const TASK_GET = /^\/api\/v2\/tasks\/[^/]+\/fix-login$/;

describe("bounded reads from Coder", () => {
  let w: World;
  before(async () => {
    w = await world({}, { CODER_TASKS_MCP_MAX_BODY_MB: "4" });
    w.fake.addTemplate({ name: "claude-code" });
    w.fake.addTask({ name: "fix-login", state: { state: "idle", message: "ok" } });
  });
  after(() => w.close());

  /** Requests to a path from now on. */
  function counter(path: RegExp, method = "GET") {
    const from = w.fake.requests.length;
    return () => w.fake.requests.slice(from).filter((r) => r.method === method && path.test(r.path)).length;
  }

  async function stillServes() {
    const r = await w.call("coder_get_task", { task_id: "fix-login" });
    assert.equal(r.isError, false, r.text);
    assert.equal((r.data as { name: string }).name, "fix-login");
  }

  it("refuses a 64 MiB task body by its length, once, and names the limit and the variable", async () => {
    const requests = counter(TASK_GET);
    w.fake.injectFault(
      { method: "GET", path: TASK_GET },
      { status: 200, contentType: "application/json", body: CHUNK, repeat: (64 * MiB) / CHUNK.length },
    );
    const r = await w.call("coder_get_task", { task_id: "fix-login" });
    assert.equal(r.isError, true);
    assert.match(
      r.text,
      /^Coder's answer was too large to read: GET \/api\/v2\/tasks\/me\/fix-login: the body is larger than 4 MiB \(raise CODER_TASKS_MCP_MAX_BODY_MB/,
    );
    // A retry would have met the real answer and succeeded.
    assert.equal(requests(), 1);
    await stillServes();
  });

  it("cuts off an endless body at the limit and does not try again", async () => {
    const requests = counter(TASK_GET);
    w.fake.injectFault(
      { method: "GET", path: TASK_GET },
      { status: 200, contentType: "application/json", body: `[${CHUNK}`, repeat: Number.POSITIVE_INFINITY },
    );
    const r = await w.call("coder_get_task", { task_id: "fix-login" });
    assert.equal(r.isError, true);
    assert.match(r.text, /larger than 4 MiB .*CODER_TASKS_MCP_MAX_BODY_MB/);
    assert.equal(requests(), 1);
    await stillServes();
  });

  it("cuts off an endless log at its own, higher limit", async () => {
    const logs = /\/logs$/;
    const requests = counter(logs);
    w.fake.injectFault(
      { method: "GET", path: logs },
      {
        status: 200,
        contentType: "application/json",
        body: " ".repeat(CHUNK.length),
        repeat: Number.POSITIVE_INFINITY,
      },
    );
    const r = await w.call("coder_get_task_logs", { task_id: "fix-login" });
    assert.equal(r.isError, true);
    assert.match(r.text, /over 1 MiB besides the log entries/);
    assert.equal(requests(), 1);
    const again = await w.call("coder_get_task_logs", { task_id: "fix-login" });
    assert.equal(again.isError, false, again.text);
  });

  it("cuts off an endless log of entries at its own limit, eight times the body limit", async () => {
    const logs = /\/logs$/;
    const requests = counter(logs);
    const entry = JSON.stringify({ id: 1, content: CHUNK, type: "output", time: "2026-01-01T00:00:00Z" });
    w.fake.injectFault(
      { method: "GET", path: logs },
      {
        status: 200,
        contentType: "application/json",
        head: '{"logs":[',
        body: `${entry},`,
        repeat: Number.POSITIVE_INFINITY,
      },
    );
    const r = await w.call("coder_get_task_logs", { task_id: "fix-login" });
    assert.equal(r.isError, true);
    assert.match(r.text, /larger than 32 MiB \(raise CODER_TASKS_MCP_MAX_BODY_MB/);
    assert.equal(requests(), 1);
  });

  it("reads only the start of a 50 MB error page", async () => {
    w.fake.injectFault(
      { method: "GET", path: TASK_GET },
      { status: 500, contentType: "text/html", body: `<p>${CHUNK}</p>`, repeat: 800 },
    );
    const r = await w.call("coder_get_task", { task_id: "fix-login" });
    assert.equal(r.isError, true);
    assert.match(
      r.text,
      /^Coder answered 500 Internal Server Error to GET [^\n]*\n[\s\S]*\nunexpected non-JSON response "text\/html"/,
    );
    assert.ok(r.text.length < 20_000, `error text of ${r.text.length} characters`);
    await stillServes();
  });

  it("reads only the start of a 50 MB success body that is not JSON", async () => {
    w.fake.injectFault(
      { method: "GET", path: TASK_GET },
      { status: 200, contentType: "text/html", body: `<p>${CHUNK}</p>`, repeat: 800 },
    );
    const r = await w.call("coder_get_task", { task_id: "fix-login" });
    assert.equal(r.isError, true);
    assert.match(r.text, /the body is not JSON \(content-type "text\/html"/);
    await stillServes();
  });

  it("discards a 50 MB body on a 202 without failing the delete", async () => {
    w.fake.addTask({ name: "to-delete" });
    const path = /^\/api\/v2\/tasks\//;
    const deletes = counter(path, "DELETE");
    w.fake.injectFault({ method: "DELETE", path }, { status: 202, body: CHUNK, repeat: 800 });
    const r = await w.call("coder_delete_task", { task_id: "to-delete" });
    assert.equal(r.isError, false, r.text);
    assert.equal((r.data as { deleted: boolean }).deleted, true);
    assert.equal(deletes(), 1);
    await stillServes();
  });

  it("says a create whose answer was too large may have happened, and sends it once", async () => {
    const creates = counter(/^\/api\/v2\/tasks\/[^/]+$/, "POST");
    w.fake.injectFault(
      { method: "POST", path: /^\/api\/v2\/tasks\/[^/]+$/ },
      { status: 201, contentType: "application/json", body: CHUNK, repeat: (64 * MiB) / CHUNK.length },
    );
    const r = await w.call("coder_create_task", { input: "Fix the flaky login test" });
    assert.equal(r.isError, true);
    assert.match(r.text, /too large to read/);
    assert.match(r.text, /The request may have reached Coder: check coder_list_tasks, whether the task exists/);
    assert.equal(creates(), 1);
  });

  it("names the variable when the limit is set out of range", async () => {
    const c = await connect({
      CODER_URL: w.fake.url,
      CODER_SESSION_TOKEN: w.fake.token,
      CODER_TASKS_MCP_MAX_BODY_MB: "0",
    });
    try {
      const r = await callTool(c.client, "coder_list_tasks");
      assert.equal(r.isError, true);
      assert.match(r.text, /CODER_TASKS_MCP_MAX_BODY_MB must be a number from 1 to 4096 \(got "0"\)/);
    } finally {
      await c.close();
    }
  });
});
