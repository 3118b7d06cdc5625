// createServer() returns the server with its clean-up: close() stops the subscriptions' polling at once, whoever
// calls it, and the start-up hook runs once the client has initialized.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { loadConfig } from "../src/config.js";
import { redactor } from "../src/redact.js";
import { createCoderClient, createServer, type ServerDeps } from "../src/server.js";
import { FakeCoder } from "./fake-coder/index.js";
import { FAST_WAIT } from "./harness.js";

const opened: (() => Promise<unknown>)[] = [];
after(() => Promise.all(opened.map((close) => close())));

async function served(extra: Partial<ServerDeps> = {}) {
  const fake = await FakeCoder.start();
  fake.addTemplate({ name: "claude-code" });
  fake.addTask({ name: "watched", state: { state: "working", message: "busy" } });
  const env = { CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token, CODER_TASKS_MCP_POLL_SECONDS: "0.05" };
  const config = loadConfig(env, "/nonexistent");
  const coder = createCoderClient(config, "test");
  const handle = createServer({
    config,
    coder,
    redact: redactor([config.token]),
    version: "test",
    waitTiming: FAST_WAIT,
    ...extra,
  });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "handle-test", version: "1" });
  await handle.connect(b);
  await client.connect(a);
  opened.push(
    () => client.close(),
    () => handle.close(),
    () => coder?.close() ?? Promise.resolve(),
    () => fake.close(),
  );
  return { fake, handle, client };
}

/** Resolves once `fake` has received `n` more requests: proof that time passed for pollers. */
async function morePolls(fake: FakeCoder, n: number): Promise<void> {
  const target = fake.requests.length + n;
  while (fake.requests.length < target) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe("the server handle", () => {
  it("close() stops the subscriptions' polling, with the client still there", async () => {
    const closing = await served();
    const control = await served();
    await closing.client.subscribeResource({ uri: "coder://tasks/me/watched" });
    await control.client.subscribeResource({ uri: "coder://tasks/me/watched" });
    await morePolls(closing.fake, 3);
    await closing.handle.close();
    await closing.handle.close(); // idempotent
    const count = closing.fake.requests.length;
    await morePolls(control.fake, 6);
    assert.equal(closing.fake.requests.length, count, "no poll after close()");
  });

  it("calls onInitialized once the client has initialized, and only then", async () => {
    let calls = 0;
    const { client } = await served({ onInitialized: () => calls++ });
    while (calls === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await client.listTools();
    assert.equal(calls, 1);
  });
});
