// `--demo` and the tour, as a user runs them: the built bin with the SDK's stdio client, and `node dist/demo/tour.js`.
// The demo's steps are shortened with CODER_TASKS_MCP_DEMO_STEP_MS.
import assert from "node:assert/strict";
import { type ChildProcess, execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { callTool, until } from "./harness.js";

const BIN = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const TOUR = fileURLToPath(new URL("../dist/demo/tour.js", import.meta.url));
const FAST = { CODER_TASKS_MCP_DEMO_STEP_MS: "30" };
/** A deployment the demo must not use, and a token it must not send. */
const USERS_OWN = {
  CODER_URL: "https://coder.example.com",
  CODER_SESSION_TOKEN: "UsersOwn01-notForTheDemoSimulator12",
};

describe("coder-tasks-mcp --demo", () => {
  let client: Client;
  let transport: StdioClientTransport;
  let stderr = "";
  const transportErrors: Error[] = [];
  before(async () => {
    transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, "--demo"],
      env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent", ...FAST, ...USERS_OWN },
      stderr: "pipe",
    });
    transport.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    client = new Client({ name: "demo-test", version: "1.0.0" });
    // A stdout line that is not JSON-RPC reaches the client as a transport error.
    client.onerror = (err) => transportErrors.push(err);
    await client.connect(transport);
  });
  after(() => client.close());

  it("says it is a demo in serverInfo and at the start of its instructions", () => {
    const info = client.getServerVersion();
    assert.deepEqual([info?.name, info?.title], ["coder-tasks-mcp-demo", "Coder Tasks (demo)"]);
    assert.match(client.getInstructions() ?? "", /^DEMO: a simulated Coder deployment, not a real one\./);
  });

  it("says DEMO in its first stderr line, and ignores the user's own deployment", async () => {
    await until(() => stderr.includes("\n"), "the first stderr line");
    const first = stderr.split("\n")[0] ?? "";
    assert.match(
      first,
      /^coder-tasks-mcp \S+: DEMO: simulated Coder v2\.33\.1 at http:\/\/127\.0\.0\.1:\d+ as alice \(/,
    );
    assert.ok(!stderr.includes("coder.example.com"), stderr);
  });

  it("lists its tools, and a seeded deployment: tasks in several states, bob's, templates with presets", async () => {
    const { tools } = await client.listTools();
    for (const name of ["coder_list_tasks", "coder_create_task", "coder_send_task_input", "coder_delete_task"]) {
      assert.ok(
        tools.some((t) => t.name === name),
        name,
      );
    }
    const mine = await callTool(client, "coder_list_tasks");
    const states = mine.data.tasks.map((t: { status: string; state: string | null }) => `${t.status}/${t.state}`);
    assert.deepEqual(new Set(states), new Set(["active/idle", "active/working", "paused/idle"]));
    const bobs = await callTool(client, "coder_list_tasks", { user: "bob" });
    assert.equal(bobs.data.count, 1);
    const templates = await callTool(client, "coder_list_templates");
    const presets = Object.fromEntries(
      templates.data.templates.map((t: { name: string; presets: Array<{ name: string }> }) => [
        t.name,
        t.presets.map((p) => p.name),
      ]),
    );
    assert.deepEqual(presets, { "claude-code": ["Small", "Large"], codex: ["Default"] });
    const paused = await callTool(client, "coder_get_task_logs", { task_id: "api-docs" });
    assert.equal(paused.data.snapshot, true);
    assert.ok(paused.data.entries.length >= 2);
  });

  it("creates a task that starts, works and answers, mentioning the prompt", async () => {
    const progress: string[] = [];
    const input = "Add a health check endpoint for the load balancer";
    const created = await client.callTool(
      {
        name: "coder_create_task",
        arguments: { input, template: "claude-code", preset: "Large", name: "health", wait: true },
      },
      undefined,
      { onprogress: (p) => progress.push(p.message ?? "") },
    );
    assert.equal(created.isError, undefined, JSON.stringify(created.content));
    const result = created.structuredContent as {
      wait: { outcome: string };
      task: { status: string; state: string };
    };
    assert.equal(result.wait.outcome, "reached");
    assert.deepEqual([result.task.status, result.task.state], ["active", "idle"]);
    assert.ok(progress.length >= 1, "progress notifications");
    const logs = await callTool(client, "coder_get_task_logs", { task_id: "health", type: "output" });
    assert.match(logs.data.entries.at(-1).content, /Add a health check endpoint/);
  });

  it("wrote only JSON-RPC to stdout, and exits when the client closes stdin", async () => {
    // Framing only: a line that is not JSON-RPC fails to parse. (A progress notification sent after its call's
    // result, which the client reports as an unknown token, is a matter of order, not of framing.)
    const unparsable = transportErrors.filter((err) => !/progress notification for an unknown token/.test(err.message));
    assert.deepEqual(unparsable, []);
    const pid = transport.pid;
    // The SDK's close ends stdin, waits up to 2 s for the process to exit, and only then signals it: a signal sent
    // means the server did not exit on stdin's end.
    const child = (transport as unknown as { _process?: ChildProcess })._process;
    assert.ok(child, "the server process");
    const signals: string[] = [];
    const kill = child.kill.bind(child);
    child.kill = (signal) => {
      signals.push(String(signal));
      return kill(signal);
    };
    await client.close();
    assert.deepEqual(signals, [], "signalled: the server did not exit when stdin closed");
    assert.throws(() => process.kill(pid ?? 0, 0), /ESRCH/);
  });
});

describe("npm run demo (dist/demo/tour.js)", () => {
  it("runs every step against the demo and exits 0", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [TOUR], {
      env: { PATH: process.env.PATH, ...FAST },
      timeout: 60_000,
    });
    for (const step of [
      "coder_list_templates",
      "coder_create_task",
      "coder_get_task_logs",
      "coder_send_task_input",
      "coder_pause_task",
      "coder_resume_task",
      "coder_wait_for_task",
      "coder_delete_task",
    ]) {
      assert.match(stdout, new RegExp(`\\d\\. .*${step}`), step);
    }
    assert.match(stdout, /Server's stderr: coder-tasks-mcp \S+: DEMO: /);
    assert.match(stdout, /… alice\/healthz-endpoint: /, "progress as it arrives");
    assert.match(stdout, /This was a simulated Coder deployment .*CODER_URL=/);
  });

  it("exits 1 and names the step when one fails", async () => {
    const run = promisify(execFile)(process.execPath, [TOUR], {
      env: { PATH: process.env.PATH, CODER_TASKS_MCP_DEMO_STEP_MS: "soon" },
      timeout: 30_000,
    });
    const failed = await run.then(
      () => assert.fail("the tour succeeded"),
      (err: { code: number; stderr: string }) => err,
    );
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /demo tour failed at step "starting the server"/);
    assert.match(failed.stderr, /CODER_TASKS_MCP_DEMO_STEP_MS must be a number/);
  });
});
