// The process around the server: it ends cleanly on SIGTERM and when the client leaves, even while subscriptions
// poll, and a notification to a client that has left never becomes an unhandled rejection.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { FakeCoder } from "./fake-coder/index.js";
import { pollingWitness, world } from "./harness.js";

const BIN = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const INITIALIZE = { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } };

/** The JSON-RPC messages a server writes to stdout, one per line. */
async function* jsonLines(stdout: NodeJS.ReadableStream): AsyncGenerator<unknown> {
  for await (const line of createInterface({ input: stdout })) yield JSON.parse(line);
}

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
    // A raw client, so that nothing but the end of stdin can end the server (the SDK's close would also signal it).
    const child = spawn(process.execPath, [BIN], { env: env(), stdio: ["pipe", "pipe", "pipe"] });
    const answers = jsonLines(child.stdout);
    const request = async (id: number, method: string, params: Record<string, unknown>) => {
      child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
      for (;;) {
        const message = (await answers.next()).value as { id?: number; error?: unknown } | undefined;
        assert.ok(message, `no answer to ${method}`);
        if (message.id === id) return assert.equal(message.error, undefined, JSON.stringify(message));
      }
    };
    await request(1, "initialize", INITIALIZE);
    child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`);
    await request(2, "resources/subscribe", { uri: "coder://tasks/me/watched" });
    await request(3, "tools/call", { name: "coder_list_tasks", arguments: {} });
    const exited = once(child, "exit");
    child.stdin.end();
    // Exited, so nothing polls any more.
    assert.deepEqual(await exited, [0, null], "exited by itself, with code 0");
  });

  it("exits 0 on SIGTERM and on SIGINT", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const child = spawn(process.execPath, [BIN], { env: env(), stdio: ["pipe", "pipe", "pipe"] });
      child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: INITIALIZE })}\n`);
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
      const progress = new Promise<void>((resolve) => (progressed = resolve));
      const call = w.client
        .callTool({ name: "coder_wait_for_task", arguments: { task_id: "slow", timeout_seconds: 60 } }, undefined, {
          onprogress: () => progressed(),
        })
        .catch(() => "closed");
      // Leave once the wait is under way and notifying: its next notification has no client.
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
