// Test harness: a real MCP Client, linked in memory to a server built as the bin builds it, against a fake Coder.
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult, ClientCapabilities } from "@modelcontextprotocol/sdk/types.js";
import type { WaitTiming } from "../src/coder/wait.js";
import { type Env, loadConfig } from "../src/config.js";
import { redactor } from "../src/redact.js";
import { createCoderClient, createServer } from "../src/server.js";
import type { ToolSelection } from "../src/tools/select.js";
import { FakeCoder, type FakeCoderOptions, type RecordedRequest } from "./fake-coder/index.js";

export interface Connected {
  client: Client;
  close(): Promise<void>;
}

/** Polling fast enough for a fake whose tasks move in tens of milliseconds. */
export const FAST_WAIT: WaitTiming = { firstPollMs: 10, maxPollMs: 40, nullStateIdleMs: 300, errorGraceMs: 400 };

export interface ConnectOptions {
  /** Where the coder CLI's login files are read from. */
  configDir?: string;
  waitTiming?: WaitTiming;
  tools?: ToolSelection;
  /** What the client declares, e.g. elicitation. */
  capabilities?: ClientCapabilities;
}

/** Connects a Client to a server configured from `env` alone, as the bin builds it. */
export async function connect(env: Env, options: ConnectOptions = {}): Promise<Connected> {
  const config = loadConfig(env, options.configDir ?? "/nonexistent-coder-config");
  const coder = createCoderClient(config, "test");
  const server = createServer({
    config,
    coder,
    redact: redactor([config.token]),
    version: "test",
    waitTiming: options.waitTiming ?? FAST_WAIT,
    tools: options.tools,
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "test-client", version: "1.0.0" }, { capabilities: options.capabilities ?? {} });
  await server.connect(serverSide);
  await client.connect(clientSide);
  return {
    client,
    async close() {
      await client.close();
      await server.close();
      await coder?.close();
    },
  };
}

export interface World extends Connected {
  fake: FakeCoder;
  call(name: string, args?: Record<string, unknown>): Promise<ToolOutcome>;
}

export interface ToolOutcome {
  isError: boolean;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary result fields.
  data: any;
  raw: CallToolResult;
}

/** A fake Coder and a client connected to it with its token. */
export async function world(
  options: FakeCoderOptions = {},
  env: Env = {},
  connectOptions: ConnectOptions = {},
): Promise<World> {
  const fake = await FakeCoder.start(options);
  const connected = await connect({ CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token, ...env }, connectOptions);
  return {
    ...connected,
    fake,
    call: (name, args = {}) => callTool(connected.client, name, args),
    async close() {
      await connected.close();
      await fake.close();
    },
  };
}

export async function callTool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolOutcome> {
  const raw = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = raw.content
    .filter((c) => c.type === "text")
    .map((c) => c.text)
    .join("\n");
  return { isError: raw.isError === true, text, data: raw.structuredContent, raw };
}

export interface PollingWitness {
  /** Resolves after `n` more polls of the witness's subscription. */
  polls(n: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A second server whose resource subscription polls its own fake every `pollSeconds`. Its polls prove that time
 * passed: once it has polled a few times after some point, a poller of the same period that was still alive at that
 * point has polled too. "Nothing happened" is asserted against them, never after a fixed sleep.
 */
export async function pollingWitness(pollSeconds: number): Promise<PollingWitness> {
  const w = await world({}, { CODER_TASKS_MCP_POLL_SECONDS: String(pollSeconds) });
  w.fake.addTemplate({ name: "claude-code" });
  w.fake.addTask({ name: "witness" });
  await w.client.subscribeResource({ uri: "coder://tasks/me/witness" });
  return {
    polls: (n) =>
      w.fake.waitForRequests((r) => r.method === "GET" && r.path === "/api/v2/tasks", n, `${n} polls of the witness`),
    close: () => w.close(),
  };
}

/** Matches the fake's GETs of one task, by ID or by name: a poll of a wait, a look-up. */
export function getsOf(task: { id: string; name: string }): (r: RecordedRequest) => boolean {
  const paths = new Set([`/api/v2/tasks/me/${task.id}`, `/api/v2/tasks/me/${task.name}`]);
  return (r) => r.method === "GET" && paths.has(r.path);
}

/** Requests the fake received on task routes, as raw URLs. */
export function taskRequests(fake: FakeCoder): string[] {
  return fake.requests.filter((r) => r.path.includes("/tasks")).map((r) => `${r.method} ${r.rawUrl}`);
}

/** A loopback port with nothing listening: connections to it are refused. */
export async function refusedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Waits until `ready()` holds, checking every few milliseconds. The limit is a cap for a bug that would otherwise
 * hang the suite, not a time the test expects: a busy machine only makes the wait longer.
 */
export async function until(ready: () => boolean, what: string, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`still waiting after ${limitMs / 1000} s for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
