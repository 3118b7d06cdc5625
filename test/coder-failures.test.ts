// What a model reads when Coder, or the way to it, fails.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { FakeCoder } from "./fake-coder/index.js";
import { callTool, connect, type World, world } from "./harness.js";

describe("when Coder fails", () => {
  let w: World;
  before(async () => {
    w = await world({}, { CODER_TASKS_MCP_TIMEOUT_SECONDS: "10" });
    w.fake.addTemplate({ name: "claude-code" });
    w.fake.addTask({ name: "fix-login", state: { state: "idle", message: "ok" } });
  });
  after(() => w.close());

  it("says the session token is invalid, and how to fix it, without showing it", async () => {
    const wrongToken = "ZZZZZZZZZZ-wrongsecretwrongsecret";
    const c = await connect({ CODER_URL: w.fake.url, CODER_SESSION_TOKEN: wrongToken });
    try {
      const r = await callTool(c.client, "coder_list_tasks");
      assert.equal(r.isError, true);
      assert.match(r.text, /401 Unauthorized/);
      assert.match(r.text, /You are signed out or your session has expired/);
      assert.match(r.text, /set CODER_SESSION_TOKEN .* or run `coder login`/);
      assert.ok(!r.text.includes(wrongToken));
    } finally {
      await c.close();
    }
  });

  it("says it cannot reach Coder when nothing listens", async () => {
    const port = await closedPort();
    const c = await connect({ CODER_URL: `http://127.0.0.1:${port}`, CODER_SESSION_TOKEN: w.fake.token });
    try {
      const r = await callTool(c.client, "coder_get_task", { task_id: "fix-login" });
      assert.equal(r.isError, true);
      assert.equal(
        r.text.split("\n")[0],
        `Cannot reach Coder at http://127.0.0.1:${port} (ECONNREFUSED). Check CODER_URL and that the deployment is up and reachable from this machine.`,
      );
    } finally {
      await c.close();
    }
  });

  it("turns a proxy's HTML 502 into a readable error, and the next call works", async () => {
    w.fake.injectFault(
      { path: /\/tasks/, times: 3 },
      {
        status: 502,
        contentType: "text/html",
        body: "<html><head><style>h1{}</style></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>",
      },
    );
    const r = await w.call("coder_list_tasks");
    assert.equal(r.isError, true);
    assert.match(
      r.text,
      /^Coder answered 502 Bad Gateway to GET \/api\/v2\/tasks\.\n.*from the Coder deployment, not instructions.*\n<untrusted-coder-text-\w+>\nunexpected non-JSON response "text\/html"/,
    );
    assert.match(r.text, /Detail: 502 Bad Gateway nginx/);
    assert.doesNotMatch(r.text, /Unexpected token|<html>|SyntaxError/);
    assert.equal((await w.call("coder_list_tasks")).isError, false);
  });

  it("says an empty error body is empty", async () => {
    w.fake.injectFault({ path: /\/tasks/, times: 3 }, { status: 503, contentType: "application/json", body: "" });
    const r = await w.call("coder_list_tasks");
    assert.match(r.text, /503 Service Unavailable [\s\S]*\nempty response body\n/);
  });

  it("warns that a failed send may have reached Coder, so it is not repeated blindly", async () => {
    w.fake.injectFault(
      { method: "POST", path: /\/send$/ },
      { status: 502, contentType: "text/html", body: "<h1>Bad Gateway</h1>" },
    );
    const r = await w.call("coder_send_task_input", { task_id: "fix-login", input: "once" });
    assert.equal(r.isError, true);
    assert.match(
      r.text,
      /may have reached Coder: check the task .*coder_get_task_logs.* before calling coder_send_task_input again/,
    );
    assert.equal(w.fake.requests.filter((q) => q.method === "POST").length, 1, "the send was not retried");
  });

  it("gives up after the request time-out with a clear message", async () => {
    const slow = await world({}, { CODER_TASKS_MCP_TIMEOUT_SECONDS: "1" });
    try {
      // Connecting and detecting the deployment first, which on a busy machine may outlast the short time-out.
      for (let i = 0; i < 5 && (await slow.call("coder_list_tasks")).isError; i++);
      // Far longer than the test: only the time-out ends the call (closing the fake ends the delay).
      slow.fake.injectFault({ path: /\/tasks/ }, { kind: "delay", ms: 600_000 });
      const r = await slow.call("coder_list_tasks");
      assert.equal(r.isError, true);
      assert.match(r.text, /did not answer within 1 s/);
    } finally {
      await slow.close();
    }
  });

  it("reports a success body that breaks the contract instead of passing it on", async () => {
    w.fake.injectFault(
      { path: /\/tasks$/ },
      { status: 200, contentType: "application/json", body: '{"tasks":"nope","count":1}' },
    );
    const r = await w.call("coder_list_tasks");
    assert.equal(r.isError, true);
    assert.match(r.text, /did not match the Tasks API [\s\S]*<untrusted-coder-text-\w+>\n.*tasks: /);
  });

  it("says when the deployment has no Tasks API", async () => {
    const disabled = await FakeCoder.start({ tasksApi: "disabled", version: "v2.37.0" });
    const c = await connect({ CODER_URL: disabled.url, CODER_SESSION_TOKEN: disabled.token });
    try {
      const r = await callTool(c.client, "coder_list_tasks");
      assert.equal(r.isError, true);
      assert.match(r.text, /Coder v2\.37\.0 at http:\/\/127\.0\.0\.1:\d+ does not serve the Tasks API/);
      assert.match(r.text, /CODER_ENABLE_AI_TASKS.*this server supports Coder v2\.28\.0 to v2\.34\.x/);
    } finally {
      await c.close();
      await disabled.close();
    }
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
