// --http as a team gateway: the session cap and time-outs, cancellation when a client's connection closes,
// --stateless, /healthz, the allowed Host and Origin values behind a balancer, and the flags that set them.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { HELP, parseCli } from "../src/cli.js";
import { FakeCoder } from "./fake-coder/index.js";
import { callTool, pollingWitness, until } from "./harness.js";
import {
  connectClient,
  MCP_HEADERS,
  raw,
  rawSession,
  type Served,
  serve,
  sessionHeaders,
  withHost,
} from "./http-client.js";

const call = (id: number, name: string, args: Record<string, unknown>) =>
  JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } });

describe("the session cap", () => {
  let fake: FakeCoder;
  before(async () => {
    fake = await FakeCoder.start();
    fake.addTemplate({ name: "claude-code" });
    fake.addTask({ name: "fix-login", status: "pending" });
  });
  after(() => fake.close());

  it("closes the least recently used idle session to make room", async () => {
    const served = await serve(fake, {}, { maxSessions: 3 });
    try {
      const a = await connectClient(served.http.url);
      const b = await connectClient(served.http.url);
      const c = await connectClient(served.http.url);
      for (const x of [b, a, c]) await x.client.ping(); // b is now the least recently used
      const d = await connectClient(served.http.url);
      assert.equal(served.http.sessionCount(), 3);
      await d.client.ping();
      await a.client.ping();
      await c.client.ping();
      await assert.rejects(b.client.ping(), /404|Session not found/);
      for (const x of [a, c, d]) await x.close();
      await b.client.close();
    } finally {
      await served.close();
    }
  });

  it("answers 503 with Retry-After when every session has a call in progress", async () => {
    const served = await serve(fake, {}, { maxSessions: 2 });
    try {
      const clients = await Promise.all([0, 1].map(() => connectClient(served.http.url)));
      const polls = () => fake.requests.filter((r) => r.method === "GET" && r.path.includes("/tasks")).length;
      const before = polls();
      const waits = clients.map((c) =>
        c.client.callTool({ name: "coder_wait_for_task", arguments: { task_id: "fix-login", timeout_seconds: 30 } }),
      );
      await until(() => polls() >= before + 2, "both waits poll");
      const refused = await raw(served.http.url, {
        method: "POST",
        headers: MCP_HEADERS,
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } },
        }),
      });
      assert.equal(refused.status, 503);
      assert.equal(refused.headers.get("retry-after"), "5");
      assert.match(refused.text, /all 2 sessions have a call in progress; retry in 5 s.*--max-sessions/);
      assert.equal(served.http.sessionCount(), 2);
      fake.setTaskStatus("fix-login", "active", { state: "idle", message: "Done" });
      for (const r of (await Promise.all(waits)) as CallToolResult[]) assert.notEqual(r.isError, true);
      // With the calls over, the least recently used session makes room.
      const third = await connectClient(served.http.url);
      await third.client.ping();
      await third.close();
      for (const c of clients) await c.client.close();
    } finally {
      fake.setTaskStatus("fix-login", "pending", null);
      await served.close();
    }
  });

  it("closes a session that sends nothing after initialize, and keeps one in use", async () => {
    const served = await serve(fake, {}, { unusedTimeoutMs: 300 });
    try {
      const used = await connectClient(served.http.url);
      await used.client.listTools();
      const unused = await rawSession(served.http.url);
      await rawSession(served.http.url, true);
      assert.equal(served.http.sessionCount(), 3);
      await until(() => served.http.sessionCount() === 1, "the unused sessions are closed");
      const gone = await raw(served.http.url, {
        method: "POST",
        headers: sessionHeaders(unused),
        body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" }),
      });
      assert.equal(gone.status, 404);
      await used.client.ping();
      await used.close();
    } finally {
      await served.close();
    }
  });
});

describe("a client whose connection closes", () => {
  let fake: FakeCoder;
  let served: Served;
  before(async () => {
    fake = await FakeCoder.start();
    fake.addTemplate({ name: "claude-code" });
    fake.addTask({ name: "slow", status: "pending" });
    fake.addTask({ name: "busy", state: { state: "idle", message: "ready" } });
    served = await serve(fake);
  });
  after(async () => {
    await served.close();
    await fake.close();
  });

  it("has its wait stopped: no request to Coder after it", async () => {
    const id = await rawSession(served.http.url);
    const polls = () => fake.requests.filter((r) => r.method === "GET" && r.path.includes("/tasks")).length;
    const before = polls();
    const abort = new AbortController();
    const waiting = fetch(served.http.url, {
      method: "POST",
      headers: sessionHeaders(id),
      body: call(5, "coder_wait_for_task", { task_id: "slow", timeout_seconds: 60 }),
      signal: abort.signal,
    }).then((r) => r.text());
    await until(() => polls() >= before + 3, "the wait polls");
    abort.abort();
    await assert.rejects(waiting);
    // One poll may have been in flight when the connection closed; none starts after. A second server polling every
    // 50 ms proves that time passed: the wait polls every 40 ms at most.
    const witness = await pollingWitness(0.05);
    try {
      await witness.polls(2);
      const after = polls();
      await witness.polls(3);
      assert.equal(polls(), after, "no poll after the client left");
    } finally {
      await witness.close();
    }
    // The session serves on.
    const ping = await raw(served.http.url, {
      method: "POST",
      headers: sessionHeaders(id),
      body: JSON.stringify({ jsonrpc: "2.0", id: 6, method: "ping" }),
    });
    assert.equal(ping.status, 200, ping.text);
  });

  it("does not have a write sent again", async () => {
    const id = await rawSession(served.http.url);
    fake.injectFault({ method: "POST", path: /\/send$/ }, { kind: "delay", ms: 300 });
    const inputs = () => fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/send"));
    const abort = new AbortController();
    const sending = fetch(served.http.url, {
      method: "POST",
      headers: sessionHeaders(id),
      body: call(7, "coder_send_task_input", { task_id: "busy", input: "once only", wait: true }),
      signal: abort.signal,
    }).then((r) => r.text());
    await until(() => inputs().length === 1, "the input reaches Coder");
    const sent = fake.requests.length;
    abort.abort();
    await assert.rejects(sending);
    // Once Coder has answered the send, a wait still running would poll within 40 ms: three polls of a second server
    // every 50 ms prove that time passed.
    await until(
      () => fake.answered.some((r) => r.method === "POST" && r.path.endsWith("/send")),
      "the answer to the send",
    );
    const witness = await pollingWitness(0.05);
    try {
      await witness.polls(3);
    } finally {
      await witness.close();
    }
    assert.equal(inputs().length, 1, "exactly one POST of the input");
    assert.deepEqual(
      fake.requests.slice(sent).map((r) => `${r.method} ${r.path}`),
      [],
      "nothing after the client left: no retry, no wait",
    );
  });
});

describe("--stateless", () => {
  let fake: FakeCoder;
  let served: Served;
  before(async () => {
    fake = await FakeCoder.start();
    fake.addTemplate({ name: "claude-code" });
    fake.addTask({ name: "fix-login", state: { state: "idle", message: "All tests pass" } });
    fake.addUser({ username: "bob" });
    fake.addTask({ owner: "bob", name: "bob-task" });
    served = await serve(fake, {}, { stateless: true });
  });
  after(async () => {
    await served.close();
    await fake.close();
  });

  it("serves tools, prompts, resource reads and completion without a session", async () => {
    const c = await connectClient(served.http.url);
    assert.equal(c.transport.sessionId, undefined);
    assert.equal(served.http.sessionCount(), 0);
    const caps = c.client.getServerCapabilities();
    assert.equal(caps?.resources?.subscribe, false);
    assert.equal(caps?.resources?.listChanged, false);
    assert.equal(caps?.tools?.listChanged, false);
    assert.equal((await c.client.listTools()).tools.length, 11);
    for (let i = 0; i < 20; i++) {
      const r = await callTool(c.client, "coder_get_task", { task_id: "fix-login" });
      assert.equal(r.isError, false, r.text);
    }
    const read = await c.client.readResource({ uri: "coder://tasks/alice/fix-login" });
    assert.equal(JSON.parse((read.contents[0] as { text: string }).text).name, "fix-login");
    const prompt = await c.client.getPrompt({ name: "review_coder_task", arguments: { task_id: "fix-login" } });
    assert.ok(prompt.messages.length > 0);
    const done = await c.client.complete({
      ref: { type: "ref/prompt", name: "delegate_to_coder_task" },
      argument: { name: "template", value: "cl" },
    });
    assert.deepEqual(done.completion.values, ["claude-code"]);
    await assert.rejects(c.client.subscribeResource({ uri: "coder://tasks/alice/fix-login" }), /Method not found/);
    await c.client.close();
  });

  it("acts as each client's own Coder user", async () => {
    const bob = await connectClient(served.http.url, { "Coder-Session-Token": fake.issueToken("bob") });
    const r = await callTool(bob.client, "coder_list_tasks");
    assert.deepEqual(
      r.data.tasks.map((t: { name: string }) => t.name),
      ["bob-task"],
    );
    await bob.client.close();
  });

  it("answers GET and DELETE with 405", async () => {
    const get = await raw(served.http.url, { headers: { accept: "text/event-stream" } });
    assert.equal(get.status, 405);
    assert.equal(get.headers.get("allow"), "POST");
    const del = await raw(served.http.url, { method: "DELETE" });
    assert.equal(del.status, 405);
  });
});

describe("behind a balancer", () => {
  let fake: FakeCoder;
  let served: Served;
  before(async () => {
    fake = await FakeCoder.start();
    served = await serve(
      fake,
      {},
      {
        allowedHosts: ["mcp.example.com"],
        allowedOrigins: new Set(["https://app.example.com"]),
        route: "r7",
        bearerToken: "bearer-0123456789",
      },
    );
  });
  after(async () => {
    await served.close();
    await fake.close();
  });
  const bearer = { authorization: "Bearer bearer-0123456789" };

  it("answers /healthz with no Coder call, no guard and no secret", async () => {
    const sent = fake.requests.length;
    const health = await withHost(served.http.url.replace(/\/mcp$/, "/healthz"), "10.1.2.3:80", {}, "GET");
    assert.equal(health.status, 200);
    assert.deepEqual(JSON.parse(health.text), { status: "ok" });
    assert.equal(fake.requests.length, sent);
  });

  it("takes the listed Host and Origin values and no others", async () => {
    const ok = await withHost(served.http.url, "mcp.example.com", { ...bearer, origin: "https://app.example.com" });
    assert.equal(ok.status, 200, ok.text);
    const viaName = await withHost(served.http.url, "MCP.example.com", {
      ...bearer,
      origin: "https://mcp.example.com",
    });
    assert.equal(viaName.status, 200, viaName.text);
    const evilHost = await withHost(served.http.url, "evil.example", bearer);
    assert.equal(evilHost.status, 403);
    const evilOrigin = await withHost(served.http.url, "mcp.example.com", {
      ...bearer,
      origin: "https://evil.example",
    });
    assert.equal(evilOrigin.status, 403);
  });

  it("starts session IDs with the route", async () => {
    const c = await connectClient(served.http.url, bearer);
    assert.match(String(c.transport.sessionId), /^r7\.[0-9a-f-]{36}$/);
    await c.close();
  });
});

describe("the gateway flags", () => {
  it("default to a bounded, stateful server", () => {
    const { gateway } = parseCli(["--http"], {});
    assert.deepEqual(gateway, {
      stateless: false,
      maxSessions: 300,
      idleTimeoutMs: 1_800_000,
      allowedHosts: [],
      allowedOrigins: new Set(),
      route: undefined,
    });
  });

  it("are read from flags first, then from the environment", () => {
    const env = {
      CODER_TASKS_MCP_HTTP_MAX_SESSIONS: "50",
      CODER_TASKS_MCP_HTTP_IDLE_SECONDS: "90",
      CODER_TASKS_MCP_HTTP_ALLOWED_HOSTS: "mcp.example.com",
      CODER_TASKS_MCP_HTTP_ALLOWED_ORIGINS: "https://App.example.com/",
      CODER_TASKS_MCP_HTTP_ROUTE: "r1",
    };
    const fromEnv = parseCli(["--http"], env).gateway;
    assert.equal(fromEnv.maxSessions, 50);
    assert.equal(fromEnv.idleTimeoutMs, 90_000);
    assert.deepEqual(fromEnv.allowedHosts, ["mcp.example.com"]);
    assert.deepEqual([...fromEnv.allowedOrigins], ["https://app.example.com"]);
    assert.equal(fromEnv.route, "r1");
    const fromFlags = parseCli(["--http", "--stateless", "--max-sessions", "7", "--idle-timeout", "5"], env).gateway;
    assert.equal(fromFlags.stateless, true);
    assert.equal(fromFlags.maxSessions, 7);
    assert.equal(fromFlags.idleTimeoutMs, 5000);
  });

  it("refuse bad values with what to fix", () => {
    assert.throws(() => parseCli(["--http", "--max-sessions", "0"], {}), /--max-sessions .* must be a number from 1/);
    assert.throws(
      () => parseCli(["--http"], { CODER_TASKS_MCP_HTTP_IDLE_SECONDS: "soon" }),
      /CODER_TASKS_MCP_HTTP_IDLE_SECONDS/,
    );
    assert.throws(() => parseCli(["--http", "--allowed-origins", "app.example.com"], {}), /takes origins such as/);
    assert.throws(() => parseCli(["--http", "--route", "a.b"], {}), /--route/);
    assert.throws(() => parseCli(["--stateless"], {}), /--stateless applies to --http only/);
  });

  it("are listed by --help", () => {
    for (const flag of ["--stateless", "--max-sessions", "--idle-timeout", "--allowed-hosts", "--allowed-origins"]) {
      assert.ok(HELP.includes(flag), flag);
    }
  });
});
