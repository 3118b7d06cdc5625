// The session token never leaves the server: not in results, errors, MCP log messages or stderr, not even when
// Coder or a proxy echoes it, and never to another origin by a redirect.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { loadConfig } from "../src/config.js";
import { until, type World, world } from "./harness.js";

const BIN = fileURLToPath(new URL("../dist/index.js", import.meta.url));

describe("the session token", () => {
  let w: World;
  let secret: string;
  const logs: string[] = [];
  before(async () => {
    w = await world();
    secret = w.fake.token.slice(w.fake.token.indexOf("-") + 1);
    w.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.push(JSON.stringify(n.params));
    });
    await w.client.setLoggingLevel("debug");
    w.fake.addTemplate({ name: "claude-code" });
    w.fake.addTask({ name: "echo", logs: [{ type: "output", content: `env: CODER_SESSION_TOKEN=${w.fake.token}` }] });
  });
  after(() => w.close());

  function assertClean(text: string): void {
    assert.ok(!text.includes(w.fake.token), text);
    assert.ok(!text.includes(secret), text);
  }

  it("is redacted from an upstream error that echoes it, and from the log of the retry", async () => {
    w.fake.injectFault(
      { method: "GET", path: /^\/api\/v2\/tasks$/, times: 3 },
      {
        status: 503,
        contentType: "application/json",
        body: JSON.stringify({ message: `Proxy saw token ${w.fake.token}.`, detail: `secret=${secret}` }),
      },
    );
    const r = await w.call("coder_list_tasks");
    assert.equal(r.isError, true);
    assert.match(r.text, /Proxy saw token \[REDACTED\]\./);
    assert.match(r.text, /secret=\[REDACTED\]/);
    assertClean(r.text);
    await until(() => logs.length >= 1, "a log message");
    for (const line of logs) assertClean(line);
  });

  it("is redacted from agent output that contains it, in the text and the structured result", async () => {
    const r = await w.call("coder_get_task_logs", { task_id: "echo" });
    assert.match(r.data.entries[0].content, /CODER_SESSION_TOKEN=\[REDACTED\]/);
    assertClean(r.text);
    assertClean(JSON.stringify(r.data));
  });

  it("is not sent to another origin by a redirect", async () => {
    const seen: string[] = [];
    const other: Server = createServer((req, res) => {
      seen.push(String(req.headers["coder-session-token"] ?? ""));
      res.end("{}");
    });
    await new Promise<void>((res) => other.listen(0, "127.0.0.1", res));
    const address = other.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      w.fake.injectFault(
        { method: "GET", path: /^\/api\/v2\/tasks$/ },
        { status: 307, headers: { Location: `http://127.0.0.1:${port}/api/v2/tasks` } },
      );
      const r = await w.call("coder_list_tasks");
      assert.equal(r.isError, true);
      assert.match(r.text, /307 [\s\S]*redirect to http:\/\/127\.0\.0\.1:\d+\/api\/v2\/tasks/);
      assert.deepEqual(seen, [], "the other origin received nothing");
    } finally {
      await new Promise((res) => other.close(res));
    }
  });

  it("is warned about when CODER_URL is plain http to another machine", () => {
    const remote = loadConfig({ CODER_URL: "http://coder.example.com", CODER_SESSION_TOKEN: "x".repeat(20) }, "/none");
    assert.match(remote.warnings[0] ?? "", /plain http: the session token crosses the network unencrypted/);
    const local = loadConfig({ CODER_URL: "http://127.0.0.1:3000", CODER_SESSION_TOKEN: "x".repeat(20) }, "/none");
    assert.deepEqual(local.warnings, []);
    // No client initializes, so the server makes no request: only its start-up warning is checked.
    const run = spawnSync(process.execPath, [BIN], {
      env: {
        PATH: process.env.PATH,
        HOME: "/nonexistent",
        CODER_URL: "http://coder.invalid",
        CODER_SESSION_TOKEN: w.fake.token,
      },
      input: "",
      encoding: "utf8",
    });
    assert.equal(run.status, 0);
    assert.match(run.stderr, /warning: http:\/\/coder\.invalid is plain http/);
    assertClean(run.stderr + run.stdout);
  });
});
