// `npm run demo`: a scripted tour. Starts `node dist/index.js --demo`, drives it through the MCP SDK's client over
// stdio as an assistant would, and prints what each step does and a short view of its result. Exits 1, naming the
// step, when one fails.
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

const BIN = fileURLToPath(new URL("../index.js", import.meta.url));
/** A stuck step fails the tour rather than hanging it. */
const CALL_TIMEOUT_MS = 60_000;
const TASK = "healthz-endpoint";

/** What the tour reads of the tools' structured results. */
interface Summary {
  owner: string;
  name: string;
  status: string;
  state: string | null;
  message: string | null;
}
interface Wait {
  outcome: string;
  waited_seconds: number;
  note: string;
}
interface Build {
  transition: string;
  status: string;
  build_number?: number;
}
interface LogEntry {
  id: number;
  type: string;
  content: string;
}
interface Template {
  name: string;
  display_name?: string;
  presets: Array<{ name: string; default: boolean; description?: string }>;
}

function say(line = ""): void {
  process.stdout.write(`${line}\n`); // stdout-ok
}

/** One line of at most `max` characters. */
function clip(text: string, max = 90): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function summary(t: Summary): string {
  return `${t.owner}/${t.name}: ${t.status}${t.state ? `, ${t.state}` : ""}${t.message ? ` (${clip(t.message, 60)})` : ""}`;
}

class Tour {
  private stepNumber = 0;
  step = "starting the server";
  private readonly stderr: string[] = [];
  private startupShown = false;

  constructor(
    private readonly client: Client,
    private readonly transport: StdioClientTransport,
  ) {
    transport.stderr?.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
        // The first line is the start-up line, shown below; anything later is worth seeing as it comes.
        if (this.stderr.length > 0) process.stderr.write(`  [server stderr] ${line}\n`);
        this.stderr.push(line);
      }
    });
  }

  begin(title: string): void {
    this.stepNumber += 1;
    this.step = `${this.stepNumber}. ${title}`;
    say();
    say(this.step);
  }

  /** Calls a tool; an error result fails the step. Progress notifications are printed as they arrive. */
  async call<T>(name: string, args: Record<string, unknown> = {}, progress = false): Promise<T> {
    say(`   > ${name} ${JSON.stringify(args)}`);
    let last = "";
    const result = (await this.client.callTool({ name, arguments: args }, undefined, {
      timeout: CALL_TIMEOUT_MS,
      ...(progress
        ? {
            resetTimeoutOnProgress: true,
            onprogress: ({ message }) => {
              if (message && message !== last) say(`     … ${message}`);
              last = message ?? last;
            },
          }
        : {}),
    })) as CallToolResult;
    if (result.isError) {
      const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join(" ");
      throw new Error(`${name} answered with an error: ${clip(text, 400)}`);
    }
    if (!result.structuredContent) throw new Error(`${name} returned no structured result`);
    return result.structuredContent as T;
  }

  /** A wait that did not reach its condition fails the step. */
  reached(wait: Wait | undefined, what: string): void {
    if (!wait) throw new Error(`no wait outcome for ${what}`);
    if (wait.outcome !== "reached") throw new Error(`${what}: wait ${wait.outcome} (${wait.note})`);
    say(`   waited ${wait.waited_seconds} s: ${wait.note}`);
  }

  /** The server writes its start-up line once initialized; a loaded machine may take a while. */
  async startupLine(): Promise<string | undefined> {
    for (let i = 0; i < 300 && this.stderr.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    this.startupShown = true;
    return this.stderr[0];
  }

  /** The server's first stderr line when it was not shown: why it would not start. */
  get unshownStderr(): string | undefined {
    return this.startupShown ? undefined : this.stderr[0];
  }

  async run(): Promise<void> {
    say("coder-tasks-mcp demo tour");
    say(
      `Starts \`node ${relative(process.cwd(), BIN)} --demo\` and drives it over stdio with the MCP SDK's client, as an assistant would.`,
    );
    await this.client.connect(this.transport);
    const info = this.client.getServerVersion();
    const { tools } = await this.client.listTools();
    say(`Connected to ${info?.name} ${info?.version} ("${info?.title ?? ""}"), ${tools.length} tools.`);
    say(`Instructions begin: ${clip(this.client.getInstructions() ?? "(none)", 80)}`);
    say(`Server's stderr: ${(await this.startupLine()) ?? "(no start-up line)"}`);

    this.begin("Your tasks: coder_list_tasks");
    const list = await this.call<{ tasks: Summary[] }>("coder_list_tasks");
    for (const t of list.tasks) say(`   ${summary(t)}`);

    this.begin("Templates that can run AI tasks: coder_list_templates");
    const { templates } = await this.call<{ templates: Template[] }>("coder_list_templates");
    for (const t of templates) {
      const presets = t.presets.map((p) => `${p.name}${p.default ? " (default)" : ""}`).join(", ");
      say(`   ${t.name}${t.display_name ? ` "${t.display_name}"` : ""}: presets ${presets || "none"}`);
    }

    this.begin("Create a task and wait for the agent's first answer: coder_create_task with wait: true");
    const created = await this.call<{ task: { status: string }; wait?: Wait; summary?: Summary }>(
      "coder_create_task",
      {
        input: "Add a /healthz endpoint that reports whether the database is reachable",
        template: "claude-code",
        preset: "Small",
        name: TASK,
        wait: true,
      },
      true,
    );
    say(`   created ${TASK}, which started as ${created.task.status}`);
    this.reached(created.wait, "the new task");
    if (created.summary) say(`   now ${summary(created.summary)}`);

    this.begin("Look the task up by name: coder_get_task");
    const task = await this.call<{ id: string; status: string; template_name: string; workspace_status: string }>(
      "coder_get_task",
      { task_id: TASK },
    );
    say(`   ${task.id}: ${task.status}, template ${task.template_name}, workspace ${task.workspace_status}`);

    this.begin("Read the conversation: coder_get_task_logs");
    await this.showLogs({ task_id: TASK });

    this.begin("Send a follow-up and wait for the reply: coder_send_task_input with wait: true");
    const sent = await this.call<{ task: Summary; wait?: Wait }>(
      "coder_send_task_input",
      { task_id: TASK, input: "Also return the app version in the response", wait: true },
      true,
    );
    this.reached(sent.wait, "the reply");
    say(`   now ${summary(sent.task)}`);
    await this.showLogs({ task_id: TASK, type: "output", limit: 1 });

    this.begin("Pause it (stops its workspace): coder_pause_task, then coder_wait_for_task until paused");
    const paused = await this.call<{ build: Build; task: Summary }>("coder_pause_task", { task_id: TASK });
    say(`   ${paused.build.transition} build #${paused.build.build_number ?? "?"}: ${paused.build.status}`);
    const stopped = await this.call<{ wait: Wait; task: Summary }>(
      "coder_wait_for_task",
      { task_id: TASK, until: "paused" },
      true,
    );
    this.reached(stopped.wait, "pausing");

    this.begin("Change its stored prompt while it is paused: coder_update_task_input");
    const input = "Add a /healthz endpoint that reports the database and the app version";
    await this.call("coder_update_task_input", { task_id: TASK, input });
    say(`   initial prompt now: ${clip(input, 70)}`);

    this.begin("Resume it: coder_resume_task, then coder_wait_for_task until idle");
    const resumed = await this.call<{ build: Build; task: Summary }>("coder_resume_task", { task_id: TASK });
    say(`   ${resumed.build.transition} build #${resumed.build.build_number ?? "?"}: ${resumed.build.status}`);
    const ready = await this.call<{ wait: Wait; task: Summary }>("coder_wait_for_task", { task_id: TASK }, true);
    this.reached(ready.wait, "resuming");
    say(`   now ${summary(ready.task)}`);

    this.begin("Delete it (and its workspace): coder_delete_task");
    await this.call("coder_delete_task", { task_id: TASK });
    const after = await this.call<{ tasks: Summary[] }>("coder_list_tasks");
    if (after.tasks.some((t) => t.name === TASK)) throw new Error(`${TASK} is still listed after the delete`);
    say(`   deleted; your tasks now: ${after.tasks.map((t) => t.name).join(", ") || "none"}`);
  }

  private async showLogs(args: Record<string, unknown>): Promise<void> {
    const logs = await this.call<{ entries: LogEntry[]; total: number }>("coder_get_task_logs", args);
    for (const e of logs.entries) say(`   #${e.id} ${e.type.padEnd(6)} ${clip(e.content)}`);
  }
}

const transport = new StdioClientTransport({
  command: process.execPath,
  args: [BIN, "--demo"],
  // The demo reads none of the user's CODER_* settings; only its own pace is passed on.
  env: {
    ...getDefaultEnvironment(),
    ...(process.env.CODER_TASKS_MCP_DEMO_STEP_MS
      ? { CODER_TASKS_MCP_DEMO_STEP_MS: process.env.CODER_TASKS_MCP_DEMO_STEP_MS }
      : {}),
  },
  stderr: "pipe",
});
const client = new Client({ name: "coder-tasks-mcp-demo-tour", version: "1.0.0" });
const tour = new Tour(client, transport);
const started = Date.now();
try {
  await tour.run();
  say();
  say(`All steps passed in ${Math.round((Date.now() - started) / 100) / 10} s.`);
  say(
    "This was a simulated Coder deployment (--demo), nothing ran in a real workspace; for a real one, start the server without --demo, with CODER_URL=https://coder.example.com and CODER_SESSION_TOKEN=<token> (or after `coder login`).",
  );
} catch (err) {
  const server = tour.unshownStderr;
  process.stderr.write(`\ndemo tour failed at step "${tour.step}": ${err instanceof Error ? err.message : err}\n`);
  if (server) process.stderr.write(`the server said: ${server}\n`);
  process.exitCode = 1;
} finally {
  await client.close();
}
