// The built bin over stdio, as an MCP client launches it: stdout carries JSON-RPC only, the token appears nowhere,
// and the process ends when the client closes stdin.
import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { FakeCoder } from "./fake-coder/index.js";
import { until } from "./harness.js";

const BIN = fileURLToPath(new URL("../dist/index.js", import.meta.url));

class StdioPeer {
  stdout = "";
  stderr = "";
  private waiting = new Map<number, (msg: Record<string, unknown>) => void>();
  private nextId = 1;
  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => {
      this.stderr += d;
    });
    child.stdout.on("data", (d: string) => {
      this.stdout += d;
      for (const line of d.split("\n").filter(Boolean)) {
        try {
          const msg = JSON.parse(line) as { id?: number };
          if (typeof msg.id === "number") this.waiting.get(msg.id)?.(msg);
        } catch {
          // Checked below: every stdout line must be JSON-RPC.
        }
      }
    });
  }
  request(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const answer = new Promise<Record<string, unknown>>((resolve) => this.waiting.set(id, resolve));
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
    return answer;
  }
  notify(method: string): void {
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method })}\n`);
  }
}

describe("the stdio server", () => {
  let fake: FakeCoder;
  let peer: StdioPeer;
  before(async () => {
    fake = await FakeCoder.start();
    fake.addTemplate({ name: "claude-code" });
    fake.addTask({ name: "fix-login", state: { state: "idle", message: "All tests pass" } });
    const child = spawn(process.execPath, [BIN], {
      env: { PATH: process.env.PATH, HOME: "/nonexistent", CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token },
    });
    peer = new StdioPeer(child);
  });
  after(async () => {
    if (peer.child.exitCode === null) peer.child.kill();
    await fake.close();
  });

  it("serves every tool to a client", async () => {
    const init = await peer.request("initialize", {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "stdio-test", version: "1" },
    });
    assert.equal((init.result as { serverInfo: { name: string } }).serverInfo.name, "coder-tasks-mcp");
    peer.notify("notifications/initialized");
    const list = await peer.request("tools/list");
    assert.equal((list.result as { tools: unknown[] }).tools.length, 11);
    const call = await peer.request("tools/call", { name: "coder_get_task", arguments: { task_id: "fix-login" } });
    const result = call.result as { structuredContent: { name: string }; isError?: boolean };
    assert.equal(result.isError, undefined);
    assert.equal(result.structuredContent.name, "fix-login");
  });

  it("never shows the token, even when a model passes it back as input", async () => {
    const call = await peer.request("tools/call", { name: "coder_get_task", arguments: { task_id: fake.token } });
    const text = JSON.stringify(call.result);
    assert.match(text, /\[REDACTED\]/);
    assert.ok(!text.includes(fake.token));
  });

  it("writes only JSON-RPC to stdout and one start-up line to stderr", async () => {
    for (const line of peer.stdout.split("\n").filter(Boolean)) {
      const msg = JSON.parse(line) as { jsonrpc?: string };
      assert.equal(msg.jsonrpc, "2.0", line);
    }
    await until(() => peer.stderr.includes("as alice"), "the start-up line");
    assert.match(
      peer.stderr,
      /^coder-tasks-mcp \S+: Coder v2\.33\.1\+abc1234 at http:\/\/127\.0\.0\.1:\d+ as alice \(URL from CODER_URL, token from CODER_SESSION_TOKEN\)\n$/,
    );
    assert.ok(!peer.stdout.includes(fake.token), "token in stdout");
    assert.ok(!peer.stderr.includes(fake.token), "token in stderr");
  });

  it("exits when the client closes stdin, with its keep-alive connection still open", async () => {
    const exited = once(peer.child, "exit");
    peer.child.stdin.end();
    const [code] = await exited;
    assert.equal(code, 0);
  });
});
