// MCP over Streamable HTTP: the SDK's Client against the server started in-process (and once as the built bin),
// against the fake Coder. Protocol features as over stdio, then the guards: DNS rebinding, bearer token, bodies,
// per-client Coder tokens, and no leaks.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  type CallToolResult,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { type Env, loadConfig } from "../src/config.js";
import { HttpStartError, startHttpServer } from "../src/transports/http.js";
import { allowedHostHeaders, bearerMatches, isLoopbackHost, rebindingProblem } from "../src/transports/http-guard.js";
import { FakeCoder } from "./fake-coder/index.js";
import { callTool, pollingWitness, until } from "./harness.js";
import { connectClient, type HttpClient, INIT, MCP_HEADERS, type Served, serve } from "./http-client.js";

const BIN = fileURLToPath(new URL("../dist/index.js", import.meta.url));
/** A request with a Host header of our choosing, which fetch does not let a caller set. */
function withHost(url: string, host: string): Promise<{ status: number; text: string; session?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { ...MCP_HEADERS, host } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => {
        text += d;
      });
      const session = res.headers["mcp-session-id"] as string | undefined;
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text, session }));
    });
    req.on("error", reject).end(JSON.stringify(INIT));
  });
}

async function endSession(url: string, id: string): Promise<void> {
  const r = await raw(url, {
    method: "DELETE",
    headers: { "mcp-session-id": id, "mcp-protocol-version": "2025-06-18" },
  });
  assert.equal(r.status, 200, r.text);
}

/** A raw request, for what the SDK client would never send. */
async function raw(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe("MCP over HTTP", () => {
  let fake: FakeCoder;
  let served: Served;
  let c: HttpClient;
  const updates: string[] = [];
  before(async () => {
    fake = await FakeCoder.start();
    fake.addTemplate({ name: "claude-code" });
    fake.addTask({ name: "fix-login", state: { state: "idle", message: "All tests pass" } });
    served = await serve(fake, { CODER_TASKS_MCP_POLL_SECONDS: "0.05" });
    c = await connectClient(served.http.url);
    c.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updates.push(n.params.uri);
    });
  });
  after(async () => {
    await c.close();
    await served.close();
    await fake.close();
  });

  it("serves at /mcp on the bound loopback address with a session", () => {
    assert.match(served.http.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    assert.match(String(c.transport.sessionId), /^[0-9a-f-]{36}$/);
    assert.equal(c.client.getServerVersion()?.name, "coder-tasks-mcp");
  });

  it("lists the tools and calls one", async () => {
    const { tools } = await c.client.listTools();
    assert.equal(tools.length, 11);
    const r = await callTool(c.client, "coder_get_task", { task_id: "fix-login" });
    assert.equal(r.isError, false, r.text);
    assert.equal(r.data.name, "fix-login");
    assert.equal(r.data.owner, "alice");
  });

  it("reads a resource and sends an update when a subscribed task changes", async () => {
    const read = await c.client.readResource({ uri: "coder://tasks/alice/fix-login" });
    const content = read.contents[0] as { text: string; mimeType: string };
    assert.equal(content.mimeType, "application/json");
    assert.equal(JSON.parse(content.text).name, "fix-login");
    await c.client.subscribeResource({ uri: "coder://tasks/alice/fix-login" });
    // Two poll cycles begin: the one before the second has ended, and nothing changed.
    await fake.waitForRequests((r) => r.method === "GET" && r.path === "/api/v2/tasks", 2, "two poll cycles");
    assert.deepEqual(updates, []);
    fake.setTaskStatus("fix-login", "active", { state: "working", message: "Back at it" });
    await until(() => updates.length > 0, "the update");
    assert.deepEqual(updates, ["coder://tasks/alice/fix-login"]);
    await c.client.unsubscribeResource({ uri: "coder://tasks/alice/fix-login" });
  });

  it("reports progress while waiting for a task", async () => {
    fake.addTask({ name: "flaky", status: "pending" });
    const progress: string[] = [];
    const waiting = c.client.callTool(
      { name: "coder_wait_for_task", arguments: { task_id: "flaky", timeout_seconds: 10 } },
      undefined,
      { onprogress: (p) => progress.push(p.message ?? "") },
    );
    const seen = async (prefix: string) => {
      await until(() => progress.some((m) => m.startsWith(prefix)), `progress "${prefix}"`);
    };
    await seen("alice/flaky: pending");
    fake.setTaskStatus("flaky", "active", { state: "working", message: "On it" });
    await seen("alice/flaky: active, working");
    fake.setTaskStatus("flaky", "active", { state: "idle", message: "Fixed" });
    const result = (await waiting) as CallToolResult;
    const data = result.structuredContent as { wait: { outcome: string } };
    assert.equal(data.wait.outcome, "reached", JSON.stringify(result.content));
    for (const status of ["alice/flaky: pending", "alice/flaky: active, working"]) {
      assert.ok(
        progress.some((m) => m.startsWith(status)),
        `${status} in:\n${progress.join("\n")}`,
      );
    }
  });

  it("never shows the server's Coder token in a result", async () => {
    const r = await callTool(c.client, "coder_get_task", { task_id: fake.token });
    assert.match(r.text, /\[REDACTED\]/);
    assert.ok(!JSON.stringify(r.raw).includes(fake.token));
  });

  it("sends a retry's log message only to the session whose call caused it, on a shared Coder client", async () => {
    const other = await connectClient(served.http.url);
    const theirs: string[] = [];
    try {
      other.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
        theirs.push(String(n.params.data));
      });
      await other.client.setLoggingLevel("debug");
      await c.client.setLoggingLevel("debug");
      const mine = new Promise<string>((resolve) => {
        c.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => resolve(String(n.params.data)));
      });
      fake.injectFault(
        { method: "GET", path: /^\/api\/v2\/tasks$/ },
        { status: 503, contentType: "application/json", body: '{"message":"busy"}' },
      );
      assert.equal((await callTool(c.client, "coder_list_tasks")).isError, false);
      assert.match(await mine, /failed \(503 busy\); trying again/);
      await other.client.ping();
      assert.deepEqual(theirs, [], "the other session heard nothing of it");
    } finally {
      await other.close();
    }
  });
});

describe("the HTTP guards", () => {
  it("tell loopback addresses from the rest", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "0:0:0:0:0:0:0:1", "localhost", "LOCALHOST"]) {
      assert.equal(isLoopbackHost(host), true, host);
    }
    for (const host of ["0.0.0.0", "::", "10.0.0.5", "::ffff:127.0.0.1", "127.0.0.1.nip.io", "example.com", ""]) {
      assert.equal(isLoopbackHost(host), false, host);
    }
  });

  it("take the bound address and localhost with the port as Host, and their origins", () => {
    const allowed = allowedHostHeaders("127.0.0.1", 3333);
    assert.deepEqual([...(allowed ?? [])].sort(), ["127.0.0.1:3333", "localhost:3333"]);
    assert.deepEqual([...(allowedHostHeaders("::1", 80) ?? [])].sort(), [
      "[::1]",
      "[::1]:80",
      "localhost",
      "localhost:80",
    ]);
    const check = (host: string | undefined, origin?: string) => rebindingProblem({ host, origin }, allowed);
    assert.equal(check("127.0.0.1:3333"), undefined);
    assert.equal(check("LOCALHOST:3333", "http://localhost:3333"), undefined);
    assert.match(String(check(undefined)), /no Host/);
    assert.match(String(check("127.0.0.1")), /Host header not allowed/);
    assert.match(String(check("127.0.0.1:3333", "http://127.0.0.1:3334")), /Origin header not allowed/);
    assert.match(String(check("127.0.0.1:3333", "null")), /Origin header not allowed/);
    assert.match(String(check("127.0.0.1:3333", "file://")), /Origin header not allowed/);
    // A wildcard bind takes any Host (the bearer token guards it) but only a same-origin Origin.
    assert.equal(allowedHostHeaders("0.0.0.0", 3333), undefined);
    assert.equal(rebindingProblem({ host: "10.0.0.5:3333", origin: "http://10.0.0.5:3333" }, undefined), undefined);
    assert.match(
      String(rebindingProblem({ host: "10.0.0.5:3333", origin: "http://evil.example" }, undefined)),
      /Origin/,
    );
  });

  it("compare the bearer token exactly", () => {
    assert.equal(bearerMatches("Bearer s3cret-token", "s3cret-token"), true);
    assert.equal(bearerMatches("bearer s3cret-token", "s3cret-token"), true);
    for (const header of [undefined, "", "Bearer", "Bearer s3cret", "Bearer s3cret-token2", "Basic s3cret-token"]) {
      assert.equal(bearerMatches(header, "s3cret-token"), false, String(header));
    }
  });
});

describe("HTTP requests outside the protocol", () => {
  let fake: FakeCoder;
  let served: Served;
  let url: string;
  before(async () => {
    fake = await FakeCoder.start();
    fake.addTemplate({ name: "claude-code" });
    fake.addTask({ name: "watched" });
    served = await serve(fake, { CODER_TASKS_MCP_POLL_SECONDS: "0.05" }, { maxBodyBytes: 1024 });
    url = served.http.url;
  });
  after(async () => {
    await served.close();
    await fake.close();
  });

  it("refuses a Host or an Origin of another site (DNS rebinding)", async () => {
    const { port } = new URL(url);
    const evilHost = await withHost(url, "evil.example");
    assert.equal(evilHost.status, 403);
    assert.match(evilHost.text, /Host header not allowed/);
    const evilPort = await withHost(url, "127.0.0.1:1");
    assert.equal(evilPort.status, 403);
    const evilOrigin = await raw(url, {
      method: "POST",
      headers: { ...MCP_HEADERS, origin: "http://evil.example" },
      body: JSON.stringify(INIT),
    });
    assert.equal(evilOrigin.status, 403);
    assert.match(evilOrigin.text, /Origin header not allowed/);
    assert.equal(served.http.sessionCount(), 0, "no session for a refused request");
    // The server's own origin, by address or by name, is welcome.
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      const ok = await raw(url, { method: "POST", headers: { ...MCP_HEADERS, origin }, body: JSON.stringify(INIT) });
      assert.equal(ok.status, 200, ok.text);
      await endSession(url, String(ok.headers.get("mcp-session-id")));
    }
    const byName = await withHost(url, `localhost:${port}`);
    assert.equal(byName.status, 200, byName.text);
    await endSession(url, String(byName.session));
    assert.equal(served.http.sessionCount(), 0);
  });

  it("answers 404 off /mcp and 405 for other methods", async () => {
    const notFound = await raw(url.replace(/\/mcp$/, "/other"));
    assert.equal(notFound.status, 404);
    assert.match(notFound.text, /MCP is served at \/mcp/);
    const put = await raw(url, { method: "PUT" });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "GET, POST, DELETE");
  });

  it("answers bad bodies, content types and sessions with a clear 4xx", async () => {
    const badJson = await raw(url, { method: "POST", headers: MCP_HEADERS, body: "{nope" });
    assert.equal(badJson.status, 400);
    assert.match(badJson.text, /not valid JSON/);
    const text = await raw(url, {
      method: "POST",
      headers: { ...MCP_HEADERS, "content-type": "text/plain" },
      body: "{}",
    });
    assert.equal(text.status, 415);
    const big = await raw(url, { method: "POST", headers: MCP_HEADERS, body: JSON.stringify({ x: "y".repeat(4096) }) });
    assert.equal(big.status, 413);
    assert.match(big.text, /exceeds 1024 bytes/);
    // A chunked body is counted as it arrives.
    const chunked = await raw(url, {
      method: "POST",
      headers: MCP_HEADERS,
      body: new Blob(["[", "1,".repeat(2000), "1]"]).stream(),
      duplex: "half",
    } as RequestInit);
    assert.equal(chunked.status, 413);
    const noSession = await raw(url, {
      method: "POST",
      headers: MCP_HEADERS,
      body: JSON.stringify({ ...INIT, method: "ping" }),
    });
    assert.equal(noSession.status, 400);
    assert.match(noSession.text, /initialize/);
    const getNoSession = await raw(url, { headers: { accept: "text/event-stream" } });
    assert.equal(getNoSession.status, 400);
    const unknown = await raw(url, {
      method: "POST",
      headers: { ...MCP_HEADERS, "mcp-session-id": "00000000-0000-0000-0000-000000000000" },
      body: JSON.stringify({ ...INIT, method: "ping" }),
    });
    assert.equal(unknown.status, 404);
    const badAccept = await raw(url, {
      method: "POST",
      headers: { ...MCP_HEADERS, accept: "application/json" },
      body: JSON.stringify(INIT),
    });
    assert.equal(badAccept.status, 406);
    assert.equal(served.http.sessionCount(), 0, "a refused initialize leaves no session");
    // Still serving.
    const c = await connectClient(url);
    await c.client.ping();
    await c.close();
  });

  it("leaves no session, server, listener or timer behind once sessions end", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const baseline = timers();
    const clients = await Promise.all(
      [0, 1, 2, 3, 4].map((i) => connectClient(url, i % 2 ? { "Coder-Session-Token": fake.token } : {})),
    );
    for (const c of clients) {
      await c.client.subscribeResource({ uri: "coder://tasks/alice/watched" });
      await c.client.listTools();
    }
    assert.equal(served.http.sessionCount(), 5);
    const polls = () => fake.requests.filter((r) => r.path.includes("/tasks")).length;
    await fake.waitForRequests((r) => r.path.includes("/tasks"), 2, "polls of the subscriptions");
    for (const c of clients) await c.close();
    assert.equal(served.http.sessionCount(), 0);
    const witness = await pollingWitness(0.05);
    try {
      await witness.polls(2); // a poll under way as the sessions ended has ended
      const polledAfter = polls();
      await witness.polls(3);
      assert.equal(polls(), polledAfter, "no poll once the sessions have ended");
    } finally {
      await witness.close();
    }
    // The witness's own HTTP client may hold a timer a little longer than its close.
    await until(() => timers() <= baseline, `timers back to ${baseline} (${timers()} now)`);

    // A client that leaves without DELETE keeps its session until the server closes it.
    const left = await connectClient(url);
    await left.client.close();
    assert.equal(served.http.sessionCount(), 1);
  });

  it("closes a session idle for idleTimeoutMs, but not one with an open stream", async () => {
    // Roomy, so that the check right after the stream ends does not race the idle timer on a busy machine.
    const idle = await serve(fake, {}, { idleTimeoutMs: 2000 });
    try {
      const staying = await connectClient(idle.http.url);
      const leaving = await connectClient(idle.http.url);
      const left = Date.now();
      await leaving.client.close(); // ends its GET stream without DELETE, as a crashed client would
      assert.equal(idle.http.sessionCount(), 2);
      await until(() => idle.http.sessionCount() <= 1, "the vanished client's session to close");
      // Not before it was idle that long (a lower bound, which a busy machine only makes longer; 5 ms of rounding).
      assert.ok(Date.now() - left >= 400 - 5, `closed after ${Date.now() - left} ms`);
      assert.equal(idle.http.sessionCount(), 1, "the vanished client's session is gone");
      await staying.client.ping();
      await staying.close();
    } finally {
      await idle.close();
    }
  });
});

describe("the bearer token", () => {
  const TOKEN = "http-bearer-token-0123456789";
  let fake: FakeCoder;
  let served: Served;
  before(async () => {
    fake = await FakeCoder.start();
    served = await serve(fake, {}, { bearerToken: TOKEN });
  });
  after(async () => {
    await served.close();
    await fake.close();
  });

  it("is required on every request when configured", async () => {
    for (const authorization of [undefined, "Bearer wrong", `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
      const r = await raw(served.http.url, {
        method: "POST",
        headers: { ...MCP_HEADERS, ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(INIT),
      });
      assert.equal(r.status, 401, String(authorization));
      assert.match(String(r.headers.get("www-authenticate")), /^Bearer/);
      assert.ok(!r.text.includes(TOKEN));
    }
    await assert.rejects(connectClient(served.http.url));
    assert.equal(served.http.sessionCount(), 0);
    const c = await connectClient(served.http.url, { Authorization: `Bearer ${TOKEN}` });
    const r = await callTool(c.client, "coder_list_tasks");
    assert.equal(r.isError, false, r.text);
    // A model that echoes it gets it redacted.
    const echo = await callTool(c.client, "coder_get_task", { task_id: TOKEN });
    assert.ok(!JSON.stringify(echo.raw).includes(TOKEN));
    await c.close();
  });

  it("is refused missing for a non-loopback host, before anything is bound", async () => {
    await assert.rejects(
      serve(fake, {}, { host: "0.0.0.0" }),
      (err: Error) => err instanceof HttpStartError && /CODER_TASKS_MCP_HTTP_TOKEN/.test(err.message),
    );
  });
});

describe("Coder tokens per client", () => {
  let fake: FakeCoder;
  let served: Served;
  let bobToken: string;
  before(async () => {
    fake = await FakeCoder.start();
    fake.addTemplate({ name: "claude-code" });
    fake.addTask({ name: "alice-task" });
    fake.addUser({ username: "bob" });
    fake.addTask({ owner: "bob", name: "bob-task" });
    bobToken = fake.issueToken("bob");
    served = await serve(fake);
  });
  after(async () => {
    await served.close();
    await fake.close();
  });

  it("lets each client act as its own Coder user, and never as another", async () => {
    const alice = await connectClient(served.http.url);
    const bob = await connectClient(served.http.url, { "Coder-Session-Token": bobToken });
    const aliceTasks = await callTool(alice.client, "coder_list_tasks");
    const bobTasks = await callTool(bob.client, "coder_list_tasks");
    assert.deepEqual(
      aliceTasks.data.tasks.map((t: { name: string }) => t.name),
      ["alice-task"],
    );
    assert.deepEqual(
      bobTasks.data.tasks.map((t: { name: string }) => t.name),
      ["bob-task"],
    );
    // Bob's token is redacted in his results, as the server's is.
    const echo = await callTool(bob.client, "coder_get_task", { task_id: bobToken });
    assert.match(echo.text, /\[REDACTED\]/);
    assert.ok(!JSON.stringify(echo.raw).includes(bobToken));

    // A request of Alice's session with Bob's token is refused, not served as Bob.
    const headers = {
      ...MCP_HEADERS,
      "mcp-session-id": String(alice.transport.sessionId),
      "mcp-protocol-version": "2025-06-18",
    };
    const ping = JSON.stringify({ jsonrpc: "2.0", id: 9, method: "ping" });
    const switched = await raw(served.http.url, {
      method: "POST",
      headers: { ...headers, "coder-session-token": bobToken },
      body: ping,
    });
    assert.equal(switched.status, 403);
    assert.match(switched.text, /cannot change within a session/);
    assert.ok(!switched.text.includes(bobToken));
    const bobSwitched = await raw(served.http.url, {
      method: "POST",
      headers: { ...headers, "mcp-session-id": String(bob.transport.sessionId), "coder-session-token": fake.token },
      body: ping,
    });
    assert.equal(bobSwitched.status, 403);
    await alice.close();
    await bob.close();
    assert.equal(served.http.sessionCount(), 0);
  });

  it("uses a client's token even when the server has none", async () => {
    const config = loadConfig({ CODER_URL: fake.url }, "/nonexistent");
    const http = await startHttpServer({ config, version: "test", port: 0 });
    try {
      assert.match(http.description, /each client must send its Coder-Session-Token/);
      const anonymous = await connectClient(http.url);
      const refused = await callTool(anonymous.client, "coder_list_tasks");
      assert.equal(refused.isError, true);
      assert.match(refused.text, /CODER_SESSION_TOKEN/);
      await anonymous.close();
      const alice = await connectClient(http.url, { "Coder-Session-Token": fake.token });
      const r = await callTool(alice.client, "coder_list_tasks");
      assert.equal(r.isError, false, r.text);
      assert.ok(!JSON.stringify(r.raw).includes(fake.token));
      const sent = fake.requests.at(-1);
      assert.match(String(sent?.path), /tasks/);
      await alice.close();
    } finally {
      await http.close();
    }
  });
});

describe("the bin with --http", () => {
  let fake: FakeCoder;
  before(async () => {
    fake = await FakeCoder.start();
    fake.addTemplate({ name: "claude-code" });
    fake.addTask({ name: "fix-login" });
  });
  after(() => fake.close());

  const env = (extra: Env = {}) => ({
    PATH: process.env.PATH,
    HOME: "/nonexistent",
    CODER_URL: fake.url,
    CODER_SESSION_TOKEN: fake.token,
    ...extra,
  });

  it("prints the real port, serves, keeps stdout empty and exits 0 on SIGTERM", async () => {
    const bearer = "bin-bearer-token-0123456789";
    const child = spawn(process.execPath, [BIN, "--http", "--port", "0"], {
      env: env({ CODER_TASKS_MCP_HTTP_TOKEN: bearer }),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d;
    });
    try {
      await until(() => stderr.includes("\n"), "the start-up line", 15_000);
      const match =
        /^coder-tasks-mcp \S+: serving MCP over HTTP at (http:\/\/127\.0\.0\.1:(\d+)\/mcp) \(bearer token required; .*\)\n$/.exec(
          stderr,
        );
      assert.ok(match, stderr);
      assert.notEqual(match[2], "0");
      const c = await connectClient(String(match[1]), {
        Authorization: `Bearer ${bearer}`,
        "Coder-Session-Token": fake.token,
      });
      const r = await callTool(c.client, "coder_get_task", { task_id: "fix-login" });
      assert.equal(r.isError, false, r.text);
      const echo = await callTool(c.client, "coder_get_task", { task_id: fake.token });
      assert.ok(!JSON.stringify(echo.raw).includes(fake.token));
      await c.client.close(); // no DELETE: shutdown must close the open session
    } finally {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const [code] = await exited;
      assert.equal(code, 0);
    }
    assert.equal(stdout, "");
    assert.equal(stderr.split("\n").filter(Boolean).length, 1, stderr);
    assert.ok(!stderr.includes(fake.token) && !stderr.includes(bearer), "no token in stderr");
  });

  it("refuses a non-loopback host without CODER_TASKS_MCP_HTTP_TOKEN, with exit code 2", async () => {
    const child = spawn(process.execPath, [BIN, "--http", "--host", "0.0.0.0", "--port", "0"], { env: env() });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d;
    });
    const [code] = await once(child, "exit");
    assert.equal(code, 2);
    assert.match(stderr, /refusing to serve MCP over HTTP on 0\.0\.0\.0.*CODER_TASKS_MCP_HTTP_TOKEN/);
    assert.ok(!stderr.includes(fake.token));
  });
});
