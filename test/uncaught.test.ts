// An uncaught exception or unhandled rejection, provoked for real inside a request (test/crash/serve.ts), through
// the bin's serving modules in a real process: over stdio it ends the process with one clear line; over HTTP it
// closes the session whose request caused it, the others go on, and one outside every session ends the process.
import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { FakeCoder } from "./fake-coder/index.js";
import { connectClient } from "./http-client.js";

const SERVE = fileURLToPath(new URL("./crash/serve.ts", import.meta.url));

class Child {
  stderr = "";
  private readonly waiters = new Set<() => void>();
  readonly exited: Promise<number | null>;
  constructor(readonly process: ChildProcessWithoutNullStreams) {
    process.stderr.setEncoding("utf8");
    process.stderr.on("data", (d: string) => {
      this.stderr += d;
      for (const wake of this.waiters) wake();
    });
    process.stdout.resume();
    this.exited = once(process, "exit").then(([code]) => code as number | null);
  }
  /** The first stderr match of `pattern`, once it has been written. */
  async line(pattern: RegExp): Promise<RegExpMatchArray> {
    for (;;) {
      const match = this.stderr.match(pattern);
      if (match) return match;
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
      });
    }
  }
  send(message: Record<string, unknown>): void {
    this.process.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);
  }
}

function start(fake: FakeCoder, args: string[]): Child {
  const env = { PATH: process.env.PATH, HOME: "/nonexistent", CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token };
  return new Child(spawn(process.execPath, ["--import", "tsx", SERVE, ...args], { env }));
}

function initialize(child: Child): void {
  const params = { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "crash-test", version: "1" } };
  child.send({ id: 1, method: "initialize", params });
  child.send({ method: "notifications/initialized" });
}

describe("an uncaught exception over stdio", () => {
  let fake: FakeCoder;
  before(async () => {
    fake = await FakeCoder.start();
    fake.addTemplate({ name: "claude-code" });
    fake.addTask({ name: "fix-login", state: { state: "idle", message: "All tests pass" } });
  });
  after(() => fake.close());

  for (const [task, what, message] of [
    ["explode", "uncaught exception", "the test's exploding client"],
    ["reject", "unhandled rejection", "the test's rejecting client"],
  ] as const) {
    it(`ends the process with exit code 1 and one line naming it: ${what}`, async () => {
      const child = start(fake, []);
      initialize(child);
      child.send({ id: 2, method: "tools/call", params: { name: "coder_get_task", arguments: { task_id: task } } });
      assert.equal(await child.exited, 1);
      const lines = child.stderr.split("\n").filter((line) => line.includes(what));
      assert.deepEqual(lines, [`coder-tasks-mcp: ${what}, exiting: ${message}`]);
      assert.doesNotMatch(child.stderr, /\n\s+at /, "no stack trace");
      assert.ok(!child.stderr.includes(fake.token));
    });
  }
});

describe("an uncaught exception over HTTP", () => {
  let fake: FakeCoder;
  let child: Child;
  let url: string;
  before(async () => {
    fake = await FakeCoder.start();
    fake.addTemplate({ name: "claude-code" });
    fake.addTask({ name: "fix-login", state: { state: "idle", message: "All tests pass" } });
    child = start(fake, ["--http", "--port", "0"]);
    [, url] = (await child.line(/serving MCP over HTTP at (\S+)/)) as [string, string];
  });
  after(async () => {
    if (child.process.exitCode === null) child.process.kill();
    await fake.close();
  });

  const getTask = (client: Awaited<ReturnType<typeof connectClient>>, task_id: string) =>
    client.client.callTool({ name: "coder_get_task", arguments: { task_id } });

  it("closes the session whose request caused it; the others go on", async () => {
    const failing = await connectClient(url);
    const other = await connectClient(url);
    // The call itself may or may not be answered before its session closes: the session's end is what counts.
    const doomed = getTask(failing, "explode").catch(() => undefined);
    await child.line(/uncaught exception in an HTTP session, closing it: the test's exploding client/);
    await doomed;
    await assert.rejects(getTask(failing, "fix-login"), /Session not found|404/);
    const answer = await getTask(other, "fix-login");
    assert.equal(answer.isError, undefined, JSON.stringify(answer));
    assert.equal((answer.structuredContent as { name: string }).name, "fix-login");

    void getTask(other, "reject").catch(() => undefined);
    await child.line(/unhandled rejection in an HTTP session, closing it: the test's rejecting client/);
    const fresh = await connectClient(url);
    const again = await getTask(fresh, "fix-login");
    assert.equal(again.isError, undefined, JSON.stringify(again));
    await fresh.close();
    assert.equal(child.process.exitCode, null, "still serving");
  });

  it("ends the process with a clear line when the exception belongs to no session", async () => {
    child.process.kill("SIGUSR2");
    assert.equal(await child.exited, 1);
    assert.match(
      child.stderr,
      /^coder-tasks-mcp: uncaught exception outside any session, exiting: the test's signal$/m,
    );
    assert.ok(!child.stderr.includes(fake.token));
  });
});

describe("an uncaught exception over stateless HTTP", () => {
  it("closes the server that served the request; the next requests are served", async () => {
    const fake = await FakeCoder.start();
    fake.addTemplate({ name: "claude-code" });
    fake.addTask({ name: "fix-login", state: { state: "idle", message: "All tests pass" } });
    const child = start(fake, ["--http", "--stateless", "--port", "0"]);
    try {
      const [, url] = (await child.line(/serving MCP over HTTP at (\S+)/)) as [string, string];
      const client = await connectClient(url);
      void client.client.callTool({ name: "coder_get_task", arguments: { task_id: "explode" } }).catch(() => undefined);
      await child.line(/uncaught exception in a stateless HTTP request, closing it: the test's exploding client/);
      const answer = await client.client.callTool({ name: "coder_get_task", arguments: { task_id: "fix-login" } });
      assert.equal(answer.isError, undefined, JSON.stringify(answer));
      await client.close();
      assert.equal(child.process.exitCode, null, "still serving");
    } finally {
      child.process.kill();
      await fake.close();
    }
  });
});
