// Real MCP clients against the built bin in --demo mode, each run as a user would run it (its own bin, from
// node_modules, in a child process):
// - the MCP Inspector's CLI (@modelcontextprotocol/inspector-cli, `mcp-inspector-cli --cli`), over stdio and over
//   Streamable HTTP;
// - the official conformance suite (@modelcontextprotocol/conformance) against `--demo --http`: every server
//   scenario that applies to this server must pass; SCENARIOS below says which apply and why the others do not.
// Nothing here reaches beyond 127.0.0.1. Every child runs in its own process group, killed when its test is done.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";

const BIN = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const require = createRequire(import.meta.url);

/** The bin of a package, as `npm exec` would run it, but from this repository's node_modules only. */
function binOf(pkg: string, name: string): string {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin } = JSON.parse(readFileSync(manifest, "utf8")) as { bin: Record<string, string> };
  const rel = bin[name];
  assert.ok(rel, `${pkg} has no bin ${name}`);
  return join(dirname(manifest), rel);
}

const INSPECTOR = binOf("@modelcontextprotocol/inspector-cli", "mcp-inspector-cli");
// inspector-cli 1.0.3 reads its own package.json (for its clientInfo) after `fs.existsSync("../package.json")`, which
// is relative to the working directory, but imports it relative to its module: anywhere else than in its build/ it
// fails with "Cannot find module '.../node_modules/@modelcontextprotocol/package.json'".
const INSPECTOR_CWD = dirname(INSPECTOR);
const CONFORMANCE = binOf("@modelcontextprotocol/conformance", "conformance");

/** The children's environment: a short demo step, no user configuration (the demo ignores it anyway), no proxy. */
const ENV = { PATH: process.env.PATH ?? "", HOME: "/nonexistent", CODER_TASKS_MCP_DEMO_STEP_MS: "30" };
const DEMO_TASKS = ["api-docs", "fix-login-flake", "upgrade-deps"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Kills a child's whole process group (the inspector's bin starts its CLI, which starts the server). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/** Runs `node <args>` to its end in its own process group; on time-out, kills the group and fails. */
async function runNode(args: string[], cwd: string, timeoutMs: number): Promise<Run> {
  const child = spawn(process.execPath, args, { cwd, env: ENV, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d;
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<Run>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms: node ${args.join(" ")}\n${stdout}\n${stderr}`)),
        timeoutMs,
      );
      child.on("error", reject);
      // "close", not "exit": both pipes are drained by then.
      child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
  } finally {
    clearTimeout(timer);
    killGroup(child);
  }
}

interface InspectorRun extends Run {
  /** The JSON it printed on stdout: the result of the request, when it exited 0. */
  result: unknown;
}

/**
 * `mcp-inspector-cli --cli <target> <options>`: the request's result as JSON on stdout and exit code 0 (also for a
 * tool result with isError), or "Failed to ...: <error>" on stderr and exit code 1.
 */
async function inspector(target: string[], options: string[]): Promise<InspectorRun> {
  const run = await runNode([INSPECTOR, "--cli", ...target, ...options], INSPECTOR_CWD, 30_000);
  let result: unknown;
  if (run.code === 0) {
    try {
      result = JSON.parse(run.stdout);
    } catch {
      assert.fail(`the inspector printed no JSON:\n${run.stdout}\n${run.stderr}`);
    }
  }
  return { ...run, result };
}

const STDIO = [process.execPath, BIN, "--demo"];

/** Asserts that the Inspector exited 0 with a result, and returns it. */
function ok(run: InspectorRun): Record<string, unknown> {
  assert.equal(run.code, 0, `inspector failed (${run.code ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
  assert.ok(run.result && typeof run.result === "object", `no result on stdout:\n${run.stdout}\n${run.stderr}`);
  return run.result as Record<string, unknown>;
}

interface ToolResult {
  isError?: boolean;
  content: Array<{ type: string; text?: string; uri?: string }>;
  structuredContent?: Record<string, unknown>;
}

interface TaskSummary {
  id: string;
  owner: string;
  name: string;
  status: string;
}

/** `coder-tasks-mcp --demo --http --port 0`, once it listens; its URL from the start-up line on stderr. */
async function startHttpDemo(): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, [BIN, "--demo", "--http", "--port", "0"], {
    env: ENV,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let timer: NodeJS.Timeout | undefined;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no start-up line within 15 s:\n${stderr}`)), 15_000);
      child.on("error", reject);
      child.on("exit", (code, signal) => reject(new Error(`exited (${code ?? signal}) before serving:\n${stderr}`)));
      child.stderr?.on("data", (d: Buffer) => {
        stderr += d;
        const match = /serving MCP over HTTP at (http:\/\/127\.0\.0\.1:(\d+)\/mcp)/.exec(stderr);
        if (match?.[1] && match[2] !== "0") resolve(match[1]);
      });
    });
    return { child, url, stderr: () => stderr };
  } catch (err) {
    killGroup(child);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** SIGTERM, then SIGKILL to the group if it has not exited within 5 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 5_000)))]);
    clearTimeout(timer);
  }
  killGroup(child);
}

interface Check {
  id: string;
  status: "SUCCESS" | "FAILURE" | "WARNING" | "INFO" | "SKIPPED";
  errorMessage?: string;
  details?: unknown;
}

interface SuiteRun extends Run {
  /** Every scenario the suite ran, in its order. */
  ran: string[];
  /** Each scenario's checks, from the checks.json it wrote. */
  results: Map<string, Check[]>;
}

/**
 * Every server scenario of the suite (`--suite all`, one process: a process per scenario costs a second each) against
 * `url`. The exit code is not used: the scenarios that do not apply fail. Results go to a fresh directory (without
 * -o, to ./results), removed afterwards.
 */
async function conformanceSuite(url: string): Promise<SuiteRun> {
  const out = mkdtempSync(join(tmpdir(), "coder-tasks-mcp-conformance-"));
  try {
    const run = await runNode([CONFORMANCE, "server", "--url", url, "--suite", "all", "-o", out], out, 60_000);
    const ran = [...run.stdout.matchAll(/^=== Running scenario: (\S+) ===$/gm)].map((m) => String(m[1]));
    const results = new Map<string, Check[]>();
    for (const dir of readdirSync(out)) {
      const scenario = /^server-(.+)-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/.exec(dir)?.[1];
      assert.ok(scenario, `unexpected result directory ${dir}`);
      results.set(scenario, JSON.parse(readFileSync(join(out, dir, "checks.json"), "utf8")) as Check[]);
    }
    return { ...run, ran, results };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const APPLIES = "applies";
const FIXTURE_TOOL = "calls a fixture tool of the suite's reference server";
/**
 * Every server scenario of @modelcontextprotocol/conformance 0.1.13: APPLIES (must pass), or why it does not apply.
 * A scenario that needs a fixture (a tool, prompt or resource by a fixed name that only the suite's reference
 * server has) does not apply: this server serves Coder tasks only. Two such scenarios "pass" against any server,
 * because a tool-not-found error result is text with isError (tools-call-simple-text, tools-call-error): they prove
 * nothing here and are not asserted on.
 */
const SCENARIOS: Record<string, string> = {
  "server-initialize": APPLIES,
  "logging-set-level": APPLIES,
  ping: APPLIES,
  "completion-complete": "completes prompt test_prompt_with_arguments (fixture); checked below on review_coder_task",
  "tools-list": APPLIES,
  "tools-call-simple-text": `${FIXTURE_TOOL}, test_simple_text`,
  "tools-call-image": `${FIXTURE_TOOL}, test_image_content; no tool here returns images`,
  "tools-call-audio": `${FIXTURE_TOOL}, test_audio_content; no tool here returns audio`,
  "tools-call-embedded-resource": `${FIXTURE_TOOL}, test_embedded_resource`,
  "tools-call-mixed-content": `${FIXTURE_TOOL}, test_multiple_content_types`,
  "tools-call-with-logging": `${FIXTURE_TOOL}, test_tool_with_logging`,
  "tools-call-error": `${FIXTURE_TOOL}, test_error_handling`,
  "tools-call-with-progress": `${FIXTURE_TOOL}, test_tool_with_progress`,
  "tools-call-sampling": `${FIXTURE_TOOL}, test_sampling; this server never asks for sampling`,
  "tools-call-elicitation": `${FIXTURE_TOOL}, test_elicitation`,
  "json-schema-2020-12": `${FIXTURE_TOOL}, json_schema_2020_12_tool (pending suite)`,
  "elicitation-sep1034-defaults": `${FIXTURE_TOOL}, test_elicitation_sep1034_defaults`,
  "server-sse-polling": `${FIXTURE_TOOL}, test_reconnection, which closes its SSE stream mid-call (pending suite)`,
  "server-sse-multiple-streams": APPLIES,
  "elicitation-sep1330-enums": `${FIXTURE_TOOL}, test_elicitation_sep1330_enums`,
  "resources-list": APPLIES,
  "resources-read-text": "reads fixture resource test://static-text",
  "resources-read-binary": "reads fixture resource test://static-binary; this server has no binary resource",
  "resources-templates-read": "reads fixture template test://template/{id}/data",
  "resources-subscribe": "subscribes to fixture test://watched-resource; checked below on coder:// URIs",
  "resources-unsubscribe": "subscribes to fixture test://watched-resource; checked below on coder:// URIs",
  "prompts-list": APPLIES,
  "prompts-get-simple": "gets fixture prompt test_simple_prompt",
  "prompts-get-with-args": "gets fixture prompt test_prompt_with_arguments",
  "prompts-get-embedded-resource": "gets fixture prompt test_prompt_with_embedded_resource",
  "prompts-get-with-image": "gets fixture prompt test_prompt_with_image",
  "dns-rebinding-protection": APPLIES,
};

describe("MCP Inspector CLI (mcp-inspector-cli --cli) over stdio, against --demo", () => {
  it("tools/list: every tool, with a description and an object input schema", async () => {
    const { tools } = ok(await inspector(STDIO, ["--method", "tools/list"])) as {
      tools: Array<{ name: string; description?: string; inputSchema?: { type?: string } }>;
    };
    const names = tools.map((t) => t.name);
    for (const name of ["coder_list_tasks", "coder_get_task", "coder_create_task", "coder_delete_task"]) {
      assert.ok(names.includes(name), `${name} in ${names.join(", ")}`);
    }
    assert.equal(names.length, 11, names.join(", "));
    for (const tool of tools) {
      assert.ok(tool.description, `${tool.name} has a description`);
      assert.equal(tool.inputSchema?.type, "object", tool.name);
    }
  });

  it("tools/call coder_list_tasks: the seeded tasks as structured content", async () => {
    const result = ok(
      await inspector(STDIO, ["--method", "tools/call", "--tool-name", "coder_list_tasks"]),
    ) as unknown as ToolResult;
    assert.notEqual(result.isError, true, JSON.stringify(result));
    const { count, tasks } = result.structuredContent as { count: number; tasks: TaskSummary[] };
    assert.equal(count, tasks.length);
    assert.deepEqual(tasks.map((t) => t.name).sort(), DEMO_TASKS);
    for (const t of tasks) {
      assert.match(t.id, UUID);
      assert.equal(t.owner, "alice");
    }
    assert.equal(result.content[0]?.type, "text");
  });

  it("tools/call coder_get_task with --tool-arg task_id=owner/name: that task", async () => {
    const result = ok(
      await inspector(STDIO, [
        "--method",
        "tools/call",
        "--tool-name",
        "coder_get_task",
        "--tool-arg",
        "task_id=alice/fix-login-flake",
      ]),
    ) as unknown as ToolResult;
    assert.notEqual(result.isError, true, JSON.stringify(result));
    const task = result.structuredContent as { id: string; name: string; owner: string };
    assert.equal(task.name, "fix-login-flake");
    assert.equal(task.owner, "alice");
    assert.match(task.id, UUID);
  });

  it("tools/call with a bad argument: an error result naming it, exit 0", async () => {
    const result = ok(
      await inspector(STDIO, [
        "--method",
        "tools/call",
        "--tool-name",
        "coder_get_task",
        "--tool-arg",
        "task_id=a/b/c",
      ]),
    ) as unknown as ToolResult;
    assert.equal(result.isError, true, JSON.stringify(result));
    assert.match(result.content[0]?.text ?? "", /task_id "a\/b\/c"/);
  });

  it("resources/list, resources/templates/list, and resources/read of a listed task", async () => {
    const { resources } = ok(await inspector(STDIO, ["--method", "resources/list"])) as {
      resources: Array<{ uri: string; name: string; mimeType?: string }>;
    };
    assert.deepEqual(resources.map((r) => r.uri).sort(), DEMO_TASKS.map((n) => `coder://tasks/alice/${n}`).sort());
    const { resourceTemplates } = ok(await inspector(STDIO, ["--method", "resources/templates/list"])) as {
      resourceTemplates: Array<{ uriTemplate: string }>;
    };
    assert.deepEqual(resourceTemplates.map((t) => t.uriTemplate).sort(), [
      "coder://tasks/{owner}/{task}",
      "coder://tasks/{owner}/{task}/logs",
    ]);
    const uri = "coder://tasks/alice/fix-login-flake";
    assert.ok(resources.some((r) => r.uri === uri));
    const { contents } = ok(await inspector(STDIO, ["--method", "resources/read", "--uri", uri])) as {
      contents: Array<{ uri: string; mimeType?: string; text?: string }>;
    };
    assert.equal(contents.length, 1);
    assert.equal(contents[0]?.uri, uri);
    assert.equal(contents[0]?.mimeType, "application/json");
    const task = JSON.parse(contents[0]?.text ?? "") as { name: string; owner_name: string; id: string };
    assert.deepEqual([task.owner_name, task.name], ["alice", "fix-login-flake"]);
    assert.match(task.id, UUID);
  });

  it("resources/read of the logs template: Markdown", async () => {
    const uri = "coder://tasks/alice/fix-login-flake/logs";
    const { contents } = ok(await inspector(STDIO, ["--method", "resources/read", "--uri", uri])) as {
      contents: Array<{ uri: string; mimeType?: string; text?: string }>;
    };
    assert.equal(contents[0]?.mimeType, "text/markdown");
    assert.ok((contents[0]?.text ?? "").length > 0);
  });

  it("resources/read of a task that does not exist: resource-not-found (-32002), exit 1", async () => {
    const run = await inspector(STDIO, ["--method", "resources/read", "--uri", "coder://tasks/alice/no-such-task"]);
    assert.equal(run.code, 1, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, /MCP error -32002: .*alice\/no-such-task/);
  });
});

describe("MCP Inspector CLI and the conformance suite over Streamable HTTP, against --demo --http", () => {
  let server: Awaited<ReturnType<typeof startHttpDemo>>;
  before(async () => {
    server = await startHttpDemo();
  });
  after(async () => {
    if (server) await stop(server.child);
  });

  describe("MCP Inspector CLI (--transport http)", () => {
    it("lists tasks, then gets and reads one by the id it listed (one deployment, so the id holds)", async () => {
      const http = [server.url, "--transport", "http"];
      const listed = ok(
        await inspector(http, ["--method", "tools/call", "--tool-name", "coder_list_tasks"]),
      ) as unknown as ToolResult;
      const tasks = (listed.structuredContent as { tasks: TaskSummary[] }).tasks;
      const first = tasks[0];
      assert.ok(first, JSON.stringify(listed));
      const got = ok(
        await inspector(http, [
          "--method",
          "tools/call",
          "--tool-name",
          "coder_get_task",
          "--tool-arg",
          `task_id=${first.id}`,
        ]),
      ) as unknown as ToolResult;
      assert.notEqual(got.isError, true, JSON.stringify(got));
      const task = got.structuredContent as { id: string; name: string };
      assert.deepEqual([task.id, task.name], [first.id, first.name]);
      const { contents } = ok(
        await inspector(http, ["--method", "resources/read", "--uri", `coder://tasks/alice/${first.id}`]),
      ) as { contents: Array<{ text?: string }> };
      assert.equal((JSON.parse(contents[0]?.text ?? "") as { id: string }).id, first.id);
    });
  });

  describe("conformance suite (@modelcontextprotocol/conformance server --suite all)", () => {
    let suite: SuiteRun;
    before(async () => {
      suite = await conformanceSuite(server.url);
    });

    it("ran every server scenario, each classified in SCENARIOS", () => {
      assert.deepEqual(
        [...suite.ran].sort(),
        Object.keys(SCENARIOS).sort(),
        `another suite version? Classify its scenarios:\n${suite.stdout}\n${suite.stderr}`,
      );
    });

    for (const [scenario, verdict] of Object.entries(SCENARIOS)) {
      if (verdict !== APPLIES) continue;
      it(`${scenario} passes`, (t) => {
        const checks = suite.results.get(scenario);
        assert.ok(checks, `${scenario} wrote no result:\n${suite.stdout}\n${suite.stderr}`);
        const failed = checks.filter((c) => c.status === "FAILURE");
        assert.deepEqual(failed, [], `${scenario} failed: ${JSON.stringify(failed, null, 2)}`);
        assert.ok(
          checks.some((c) => c.status === "SUCCESS"),
          `${scenario}: no check succeeded: ${JSON.stringify(checks, null, 2)}`,
        );
        for (const w of checks.filter((c) => c.status === "WARNING")) t.diagnostic(`${w.id}: ${w.errorMessage ?? ""}`);
      });
    }
  });

  // What the suite checks with fixtures only its reference server has (test://watched-resource, a prompt named
  // test_prompt_with_arguments), and what only a newer suite checks (sep-2164-resource-not-found, in 0.2.0 alphas,
  // which need Node 22): the same requests, on this server's own resources and prompts, over Streamable HTTP.
  describe("the same checks on this server's own resources and prompts", () => {
    let client: Client;
    let transport: StreamableHTTPClientTransport;
    before(async () => {
      client = new Client({ name: "conformance-equivalents", version: "1.0.0" });
      transport = new StreamableHTTPClientTransport(new URL(server.url));
      await client.connect(transport);
    });
    after(async () => {
      await transport?.terminateSession().catch(() => {});
      await client?.close();
    });

    it("resources/subscribe and resources/unsubscribe of a task answer {} (resources-subscribe, -unsubscribe)", async () => {
      const uri = "coder://tasks/alice/fix-login-flake";
      assert.deepEqual(await client.subscribeResource({ uri }), {});
      assert.deepEqual(await client.unsubscribeResource({ uri }), {});
      assert.deepEqual(await client.subscribeResource({ uri: `${uri}/logs` }), {});
      assert.deepEqual(await client.unsubscribeResource({ uri: `${uri}/logs` }), {});
    });

    it("resources/read of a missing resource is an error, never empty contents (sep-2164-resource-not-found)", async (t) => {
      for (const [uri, code] of [
        ["coder://tasks/alice/no-such-task", -32002],
        ["test://nonexistent-resource-for-conformance-testing", -32602],
      ] as const) {
        const err = await client.readResource({ uri }).then(
          (result) => assert.fail(`${uri}: a result instead of an error: ${JSON.stringify(result)}`),
          (e: unknown) => e,
        );
        assert.ok(err instanceof McpError, String(err));
        assert.equal(err.code, code, `${uri}: ${err.message}`);
        const data = err.data as { uri?: string } | undefined;
        if (data?.uri !== uri)
          t.diagnostic(`${uri}: error.data.uri is ${JSON.stringify(data?.uri)} (SEP-2164: SHOULD)`);
      }
    });

    it("completion/complete answers values for a prompt argument (completion-complete)", async () => {
      const { completion } = await client.complete({
        ref: { type: "ref/prompt", name: "review_coder_task" },
        argument: { name: "task_id", value: "fix" },
      });
      assert.deepEqual(completion.values, ["fix-login-flake"]);
    });
  });
});
