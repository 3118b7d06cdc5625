// Tool selection: --read-only, --tools / CODER_MCP_ALLOWED_TOOLS and --exclude-tools, from the tools' annotations.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import { parseCli } from "../src/cli.js";
import { callTool, connect, type World, world } from "./harness.js";

const BIN = fileURLToPath(new URL("../dist/index.js", import.meta.url));

const WRITE_TOOLS = /coder_(create_task|send_task_input|update_task_input|pause_task|resume_task|delete_task)/;
const TASK = "coder://tasks/alice/fix-login";
const LOGS = `${TASK}/logs`;
const TASK_TEMPLATE = "coder://tasks/{owner}/{task}";
const LOGS_TEMPLATE = "coder://tasks/{owner}/{task}/logs";

/** A fake Coder with one task, and a client of a server started with these flags. */
async function served(argv: string[], fn: (w: World) => Promise<void>): Promise<void> {
  const w = await world({}, {}, { tools: parseCli(argv, {}).tools });
  try {
    w.fake.addTemplate({ name: "claude-code" });
    w.fake.addTask({
      name: "fix-login",
      state: { state: "idle", message: "Tests pass" },
      logs: [{ type: "output", content: "I fixed it." }],
    });
    await fn(w);
  } finally {
    await w.close();
  }
}

/** What a client is offered besides tools; undefined where the server does not declare the capability. */
async function offered(client: Client) {
  const capabilities = client.getServerCapabilities();
  return {
    instructions: client.getInstructions() ?? "",
    prompts: capabilities?.prompts ? (await client.listPrompts()).prompts.map((p) => p.name) : undefined,
    templates: capabilities?.resources
      ? (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)
      : undefined,
  };
}

async function promptText(client: Client, args: { goal: string; template?: string }): Promise<string> {
  const r = await client.getPrompt({ name: "delegate_to_coder_task", arguments: args });
  return r.messages[0]?.content.type === "text" ? r.messages[0].content.text : "";
}

function textOf(result: ReadResourceResult): string {
  const [content] = result.contents;
  return content && "text" in content ? content.text : "";
}

describe("tool selection", () => {
  it("serves only read-only tools with --read-only, and refuses the others if called anyway", async () => {
    const c = await connect({}, { tools: parseCli(["--read-only"], {}).tools });
    try {
      const { tools } = await c.client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), [
        "coder_get_task",
        "coder_get_task_logs",
        "coder_list_tasks",
        "coder_list_templates",
        "coder_wait_for_task",
      ]);
      assert.ok(tools.every((t) => t.annotations?.readOnlyHint === true));
      const r = await callTool(c.client, "coder_delete_task", { task_id: "x" });
      assert.equal(r.isError, true);
      assert.match(r.text, /coder_delete_task disabled/);
    } finally {
      await c.close();
    }
  });

  it("takes an allow list from --tools or CODER_MCP_ALLOWED_TOOLS, and an exclude list", async () => {
    const fromFlag = parseCli(["--tools", "coder_list_tasks, coder_get_task", "--exclude-tools", "coder_get_task"], {});
    const fromEnv = parseCli([], { CODER_MCP_ALLOWED_TOOLS: "coder_list_tasks,coder_delete_task" });
    for (const [selection, expected] of [
      [fromFlag.tools, ["coder_list_tasks"]],
      [fromEnv.tools, ["coder_delete_task", "coder_list_tasks"]],
    ] as const) {
      const c = await connect({}, { tools: selection });
      try {
        const { tools } = await c.client.listTools();
        assert.deepEqual(tools.map((t) => t.name).sort(), expected);
      } finally {
        await c.close();
      }
    }
  });

  it("refuses an unknown tool name or flag at start, naming what is valid", () => {
    const unknownTool = spawnSync(process.execPath, [BIN, "--tools", "coder_list_taks"], {
      encoding: "utf8",
      input: "",
    });
    assert.equal(unknownTool.status, 2);
    assert.match(unknownTool.stderr, /Unknown tool "coder_list_taks"; the tools are: coder_list_tasks, /);
    assert.equal(unknownTool.stdout, "");
    const unknownFlag = spawnSync(process.execPath, [BIN, "--readonly"], { encoding: "utf8", input: "" });
    assert.equal(unknownFlag.status, 2);
    assert.match(unknownFlag.stderr, /Unknown option '--readonly'.*--help/);
  });

  it("prints its help and version", () => {
    const help = spawnSync(process.execPath, [BIN, "--help"], { encoding: "utf8" });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: coder-tasks-mcp \[options\]/);
    assert.match(help.stdout, /--read-only/);
    const version = spawnSync(process.execPath, [BIN, "--version"], { encoding: "utf8" });
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});

describe("selection shapes instructions, prompts and resources", () => {
  it("with --read-only: no write advice, no delegate prompt, and the read resources", async () => {
    await served(["--read-only"], async ({ client }) => {
      const { instructions, prompts, templates } = await offered(client);
      assert.doesNotMatch(instructions, WRITE_TOOLS);
      assert.match(
        instructions,
        /^Usual flow: coder_list_tasks to find a task -> coder_get_task for its status and state -> coder_get_task_logs to read what its agent said -> coder_wait_for_task to wait until its agent is idle\.$/m,
      );
      assert.match(instructions, /^Read-only: this server is set up to change nothing in Coder/m);
      assert.deepEqual(prompts, ["review_coder_task"]);
      await assert.rejects(promptText(client, { goal: "x" }), /Prompt delegate_to_coder_task disabled/);
      const review = await client.getPrompt({ name: "review_coder_task", arguments: { task_id: "fix-login" } });
      assert.ok(review.messages.some((m) => m.content.type === "resource" && m.content.resource.uri === LOGS));
      assert.deepEqual(templates, [TASK_TEMPLATE, LOGS_TEMPLATE]);
      assert.deepEqual(
        (await client.listResources()).resources.map((r) => r.uri),
        [TASK],
      );
      assert.match(textOf(await client.readResource({ uri: LOGS })), /I fixed it\./);
      await client.subscribeResource({ uri: LOGS });
      await client.unsubscribeResource({ uri: LOGS });
    });
  });

  it("with --tools naming only list and get: instructions and resources for those, no prompt", async () => {
    await served(["--tools", "coder_list_tasks,coder_get_task"], async ({ client }) => {
      const { instructions, prompts, templates } = await offered(client);
      assert.doesNotMatch(instructions, WRITE_TOOLS);
      assert.doesNotMatch(instructions, /coder_get_task_logs|coder_wait_for_task|coder_list_templates/);
      assert.match(
        instructions,
        /^Usual flow: coder_list_tasks to find a task -> coder_get_task for its status and state\.$/m,
      );
      assert.match(instructions, /^Read-only: /m);
      // Both prompts read the log, which coder_get_task_logs would give.
      assert.deepEqual(prompts, []);
      await assert.rejects(
        client.getPrompt({ name: "review_coder_task", arguments: { task_id: "fix-login" } }),
        /Prompt review_coder_task disabled/,
      );
      // The task resource follows coder_get_task; the logs resource follows coder_get_task_logs, not served.
      assert.deepEqual(templates, [TASK_TEMPLATE]);
      assert.deepEqual(
        (await client.listResources()).resources.map((r) => r.uri),
        [TASK],
      );
      assert.match(textOf(await client.readResource({ uri: TASK })), /"name": "fix-login"/);
      await assert.rejects(client.readResource({ uri: LOGS }), /not found/);
      await assert.rejects(
        client.subscribeResource({ uri: LOGS }),
        /Cannot subscribe to coder:\/\/tasks\/alice\/fix-login\/logs: not a coder:\/\/tasks\/\{owner\}\/\{task\} resource\./,
      );
      await client.subscribeResource({ uri: TASK });
      await client.unsubscribeResource({ uri: TASK });
    });
  });

  it("without coder_get_task: the logs resource stays, the task resource and its list go", async () => {
    await served(["--exclude-tools", "coder_get_task"], async ({ client }) => {
      const { instructions, prompts, templates } = await offered(client);
      assert.doesNotMatch(instructions, /coder_get_task\b/);
      assert.doesNotMatch(instructions, /^Read-only/m);
      assert.deepEqual(prompts, ["delegate_to_coder_task"]);
      // Its other steps are all served: the prompt is worded as with every tool.
      assert.match(
        await promptText(client, { goal: "x" }),
        /coder_list_templates.*coder_wait_for_task.*reply with coder_send_task_input \(wait: true\)\.\n5\. Report back/s,
      );
      assert.deepEqual(templates, [LOGS_TEMPLATE]);
      assert.deepEqual((await client.listResources()).resources, []);
      await assert.rejects(client.readResource({ uri: TASK }), /not found/);
      await assert.rejects(
        client.subscribeResource({ uri: TASK }),
        /Cannot subscribe to .*: not a .*\/logs resource\./,
      );
      assert.match(textOf(await client.readResource({ uri: LOGS })), /I fixed it\./);
    });
  });

  it("words the delegate prompt and the instructions for the tools served", async () => {
    await served(["--tools", "coder_create_task,coder_get_task_logs"], async ({ client }) => {
      const { instructions, prompts, templates } = await offered(client);
      assert.match(
        instructions,
        /^Usual flow: coder_create_task with wait: true -> coder_get_task_logs to read the answer\.$/m,
      );
      assert.doesNotMatch(
        instructions,
        /coder_(list_templates|send_task_input|wait_for_task|pause_task|resume_task|delete_task)/,
      );
      assert.deepEqual(prompts, ["delegate_to_coder_task"]);
      const text = await promptText(client, { goal: "Upgrade React" });
      assert.doesNotMatch(text, /coder_(list_templates|send_task_input|wait_for_task)/);
      assert.match(
        text,
        /^1\. Leave the template out .*\n2\. Call coder_create_task .*\n3\. Read the answer with coder_get_task_logs \(type: output\)\.\n4\. Report back/ms,
      );
      assert.match(await promptText(client, { goal: "x", template: "codex" }), /^1\. Use the template "codex"\.$/m);
      assert.deepEqual(templates, [LOGS_TEMPLATE]);
    });
    // Neither reading tool: no task resources, and nothing to subscribe to; the one resource left is the task board's
    // view, which coder_list_tasks results open.
    const c = await connect({}, { tools: parseCli(["--tools", "coder_list_tasks"], {}).tools });
    try {
      assert.equal(c.client.getServerCapabilities()?.resources?.subscribe, undefined);
      assert.deepEqual((await offered(c.client)).templates, []);
      assert.deepEqual(
        (await c.client.listResources()).resources.map((r) => r.uri),
        ["ui://coder-tasks/board.html"],
        "no task is listed: there is no task resource",
      );
      assert.deepEqual((await offered(c.client)).prompts, []);
    } finally {
      await c.close();
    }
  });

  it("with every tool, offers everything and advises the whole flow", async () => {
    await served([], async ({ client }) => {
      const { instructions, prompts, templates } = await offered(client);
      assert.match(
        instructions,
        /^Usual flow: coder_list_templates -> coder_create_task with wait: true -> coder_get_task_logs to read the answer -> coder_send_task_input with wait: true to continue -> coder_wait_for_task whenever a wait timed out\.$/m,
      );
      assert.match(
        instructions,
        /^coder_pause_task stops a task's workspace; coder_resume_task starts a paused one again; coder_delete_task removes a task for good\.$/m,
      );
      assert.doesNotMatch(instructions, /Read-only/);
      assert.deepEqual(prompts, ["delegate_to_coder_task", "review_coder_task"]);
      assert.match(
        await promptText(client, { goal: "x" }),
        /^1\. Call coder_list_templates.*\n2\. Call coder_create_task.*\n3\. .*coder_wait_for_task.*\n4\. .*coder_send_task_input \(wait: true\)\.\n5\. Report back/ms,
      );
      assert.deepEqual(templates, [TASK_TEMPLATE, LOGS_TEMPLATE]);
    });
  });
});
