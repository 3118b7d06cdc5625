// The process around the server: it ends cleanly on SIGTERM and when the client leaves, even while subscriptions
// poll, and a notification to a client that has left never becomes an unhandled rejection.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { FakeCoder } from "./fake-coder/index.js";
import { pollingWitness, until, world } from "./harness.js";

const BIN = fileURLToPath(new URL("../dist/index.js", import.meta.url));

describe("process lifecycle", () => {
  let fake: FakeCoder;
  before(async () => {
    fake = await FakeCoder.start({ lifecycle: { stepMs: 20 } });
    fake.addTemplate({ name: "claude-code" });
    fake.addTask({ name: "watched", state: { state: "working", message: "busy" } });
  });
  after(() => fake.close());

  function env(): Record<string, string> {
    return {
      PATH: process.env.PATH ?? "",
      HOME: "/nonexistent",
      CODER_URL: fake.url,
      CODER_SESSION_TOKEN: fake.token,
      CODER_TASKS_MCP_POLL_SECONDS: "0.05",
    };
  }

  it("exits 0 when the client closes stdin while a subscription is polling", async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN], env: env(), stderr: "pipe" });
    const client = new Client({ name: "lifecycle", version: "1" });
    await client.connect(transport);
    await client.subscribeResource({ uri: "coder://tasks/me/watched" });
    await client.callTool({ name: "coder_list_tasks", arguments: {} });
    const pid = transport.pid;
    assert.ok(pid);
    const before = fake.requests.length;
    await client.close();
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    // Gone, so nothing polls any more.
    await until(() => !alive(), "the server process to exit");
    assert.ok(fake.requests.length >= before);
  });

  it("exits 0 on SIGTERM and on SIGINT", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const child = spawn(process.execPath, [BIN], { env: env(), stdio: ["pipe", "pipe", "pipe"] });
      child.stdin.write(
        `${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } })}\n`,
      );
      await once(child.stdout, "data");
      const exited = once(child, "exit");
      child.kill(signal);
      const [code] = await exited;
      assert.equal(code, 0, signal);
    }
  });

  it("drops a progress notification for a client that has left, without an unhandled rejection", async () => {
    const rejections: unknown[] = [];
    const onRejection = (err: unknown) => rejections.push(err);
    process.on("unhandledRejection", onRejection);
    const w = await world({ lifecycle: { stepMs: 50 } });
    try {
      w.fake.addTemplate({ name: "claude-code" });
      w.fake.addTask({ name: "slow", state: { state: "working", message: "…" } });
      let progressed: () => void = () => {};
      const progress = new Promise<void>((resolve) => {
        progressed = resolve;
      });
      const call = w.client
        .callTool({ name: "coder_wait_for_task", arguments: { task_id: "slow", timeout_seconds: 2 } }, undefined, {
          onprogress: () => progressed(),
        })
        .catch(() => "closed");
      await progress;
      await w.client.close();
      assert.equal(await call, "closed");
      // Whatever the wait still does after the client left (a poll in flight, its progress, the call's end), it
      // has done by the time a witness polling more slowly than the wait has polled three times.
      const witness = await pollingWitness(0.05);
      await witness.polls(3);
      await witness.close();
      assert.deepEqual(rejections, []);
    } finally {
      process.off("unhandledRejection", onRejection);
      await w.close();
    }
  });
});
