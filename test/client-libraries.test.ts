// The MCP client libraries that agent frameworks use, each through its own path, against the built bin in --demo
// mode over stdio (`node dist/index.js --demo`) and Streamable HTTP (`--demo --http --port 0`):
// - the Vercel AI SDK (`@ai-sdk/mcp` with `ai`, the model from `@ai-sdk/openai-compatible`);
// - LangChain (`@langchain/mcp-adapters`, a LangGraph ReAct agent, `ChatOpenAI` from `@langchain/openai`).
// Each lists and converts the tools, executes some, runs an agent loop of several tool calls to its final answer, and
// reads resources. The model is a fake OpenAI-compatible endpoint on 127.0.0.1 (test/fake-openai.ts) that answers
// with scripted tool calls, checking at each turn that the previous tool results reached it.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { createMCPClient, type MCPClient } from "@ai-sdk/mcp";
import { Experimental_StdioMCPTransport } from "@ai-sdk/mcp/mcp-stdio";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { AIMessage } from "@langchain/core/messages";
import type { DynamicStructuredTool } from "@langchain/core/tools";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { MultiServerMCPClient } from "@langchain/mcp-adapters";
import { ChatOpenAI } from "@langchain/openai";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { generateText, stepCountIs } from "ai";
import { BIN, DEMO_ENV, startHttpDemo, stop } from "./demo-process.js";
import { type ChatRequest, type FakeOpenAI, type Step, startFakeOpenAI, toolResult } from "./fake-openai.js";

const TOOLS = [
  "coder_create_task",
  "coder_delete_task",
  "coder_get_task",
  "coder_get_task_logs",
  "coder_list_tasks",
  "coder_list_templates",
  "coder_pause_task",
  "coder_resume_task",
  "coder_send_task_input",
  "coder_update_task_input",
  "coder_wait_for_task",
];
const DEMO_TASKS = ["api-docs", "fix-login-flake", "upgrade-deps"];
const PROMPT = "Start a task that adds a /healthz endpoint, and tell me what its agent did.";

/**
 * The agent loop: two tools at once (tasks and templates), a create that waits for the agent's first turn, the new
 * task's logs, then a final answer. Each turn checks what the previous one's tools returned, as the model sees it.
 */
function script(task: string): Step[] {
  const seen = (request: ChatRequest, tool: string, text: string) => {
    // As the model reads it, whatever the library's quoting: no escapes, no spaces.
    const result = toolResult(request, tool)?.replace(/\\|\s/g, "");
    if (!result?.includes(text.replace(/\s/g, "")))
      throw new Error(`${tool}'s result lacks ${JSON.stringify(text)}: ${result}`);
  };
  return [
    () => ({
      toolCalls: [
        { name: "coder_list_tasks", arguments: {} },
        { name: "coder_list_templates", arguments: {} },
      ],
    }),
    (request) => {
      seen(request, "coder_list_tasks", "fix-login-flake");
      seen(request, "coder_list_templates", "claude-code");
      const input = "Add a /healthz endpoint";
      return {
        toolCalls: [
          { name: "coder_create_task", arguments: { input, template: "claude-code", name: task, wait: true } },
        ],
      };
    },
    (request) => {
      seen(request, "coder_create_task", task);
      seen(request, "coder_create_task", '"outcome":"reached"');
      return { toolCalls: [{ name: "coder_get_task_logs", arguments: { task_id: task, limit: 5 } }] };
    },
    (request) => {
      seen(request, "coder_get_task_logs", "Add a /healthz endpoint");
      return { content: `Task ${task} is running; its agent finished its first turn.` };
    },
  ];
}

/** What every library must have sent the model: each tool, converted to an OpenAI function with its schema. */
function assertToolsSent(fake: FakeOpenAI): void {
  const first = fake.requests[0];
  assert.ok(first, "the model was asked");
  const sent = (first.tools ?? []).map((t) => t.function);
  assert.deepEqual(sent.map((f) => f.name).sort(), TOOLS);
  for (const f of sent) {
    assert.ok(f.description && f.description.length > 20, `${f.name} has a description`);
    const parameters = f.parameters as { type?: string; properties?: Record<string, unknown> };
    assert.equal(parameters.type, "object", f.name);
  }
  const create = sent.find((f) => f.name === "coder_create_task")?.parameters as {
    properties: Record<string, unknown>;
    required?: string[];
  };
  assert.ok(create.properties.input && create.properties.template && create.properties.wait);
  assert.deepEqual(create.required, ["input"]);
}

/** The agent loop's record at the fake endpoint: four turns, no step refused. */
function assertLoop(fake: FakeOpenAI): void {
  assert.deepEqual(fake.errors, []);
  assert.equal(fake.requests.length, 4);
}

type Target = { transport: "stdio" } | { transport: "http"; url: string };

describe("Vercel AI SDK (@ai-sdk/mcp 1.0.102, ai 6.0.326, @ai-sdk/openai-compatible 2.0.92)", () => {
  for (const transport of ["stdio", "http"] as const) {
    describe(`over ${transport}`, () => {
      let server: { child: ChildProcess; url: string } | undefined;
      let client: MCPClient;
      before(async () => {
        if (transport === "http") server = await startHttpDemo();
        const target: Target = server ? { transport: "http", url: server.url } : { transport: "stdio" };
        client = await createMCPClient({
          transport:
            target.transport === "http"
              ? { type: "http", url: target.url }
              : new Experimental_StdioMCPTransport({ command: process.execPath, args: [BIN, "--demo"], env: DEMO_ENV }),
          clientName: "ai-sdk-test",
        });
      });
      after(async () => {
        await client?.close();
        if (server) await stop(server.child);
      });

      it("converts every tool (client.tools) and executes one: structured content, and an error as a result", async () => {
        assert.match(client.serverInfo.name, /coder-tasks-mcp-demo/);
        const tools = await client.tools();
        assert.deepEqual(Object.keys(tools).sort(), TOOLS);
        for (const [name, t] of Object.entries(tools)) assert.ok(t.description, `${name} has a description`);
        const options = { toolCallId: "t1", messages: [] };
        const got = (await tools.coder_get_task?.execute?.(
          { task_id: "alice/fix-login-flake" },
          options,
        )) as CallToolResult;
        assert.notEqual(got.isError, true, JSON.stringify(got));
        assert.equal((got.structuredContent as { name: string }).name, "fix-login-flake");
        const bad = (await tools.coder_get_task?.execute?.({ task_id: "a/b/c" }, options)) as CallToolResult;
        assert.equal(bad.isError, true);
        assert.match(JSON.stringify(bad.content), /task_id/);
      });

      it("generateText runs the agent loop to its final answer", async () => {
        const task = `healthz-ai-${transport}`;
        const fake = await startFakeOpenAI(script(task));
        try {
          const provider = createOpenAICompatible({ name: "fake", baseURL: fake.baseURL, apiKey: "test" });
          const result = await generateText({
            model: provider.chatModel("fake-model"),
            tools: await client.tools(),
            prompt: PROMPT,
            stopWhen: stepCountIs(10),
            maxRetries: 0,
          });
          assertLoop(fake);
          assertToolsSent(fake);
          assert.equal(result.text, `Task ${task} is running; its agent finished its first turn.`);
          assert.deepEqual(
            result.steps.map((s) => s.toolCalls.map((c) => c.toolName)),
            [["coder_list_tasks", "coder_list_templates"], ["coder_create_task"], ["coder_get_task_logs"], []],
          );
          for (const step of result.steps)
            for (const r of step.toolResults) {
              assert.notEqual((r.output as CallToolResult).isError, true, JSON.stringify(r.output));
            }
        } finally {
          await fake.close();
        }
      });

      it("lists and reads resources: the tasks, the templates, a task and its log", async () => {
        const { resources } = await client.listResources();
        for (const name of DEMO_TASKS)
          assert.ok(
            resources.some((r) => r.uri === `coder://tasks/alice/${name}`),
            name,
          );
        const { resourceTemplates } = await client.listResourceTemplates();
        assert.deepEqual(resourceTemplates.map((t) => t.uriTemplate).sort(), [
          "coder://tasks/{owner}/{task}",
          "coder://tasks/{owner}/{task}/logs",
        ]);
        const task = await client.readResource({ uri: "coder://tasks/alice/fix-login-flake" });
        const content = task.contents[0] as { mimeType?: string; text?: string };
        assert.equal(content.mimeType, "application/json");
        assert.equal((JSON.parse(content.text ?? "") as { name: string }).name, "fix-login-flake");
        const logs = await client.readResource({ uri: "coder://tasks/alice/fix-login-flake/logs" });
        assert.equal((logs.contents[0] as { mimeType?: string }).mimeType, "text/markdown");
      });
    });
  }
});

describe("LangChain (@langchain/mcp-adapters 1.1.4, @langchain/langgraph 1.7.3, @langchain/openai 1.5.8)", () => {
  for (const transport of ["stdio", "http"] as const) {
    describe(`over ${transport}`, () => {
      let server: { child: ChildProcess; url: string } | undefined;
      let client: MultiServerMCPClient;
      let tools: DynamicStructuredTool[];
      before(async () => {
        if (transport === "http") server = await startHttpDemo();
        client = new MultiServerMCPClient({
          mcpServers: {
            coder: server
              ? { transport: "http", url: server.url }
              : {
                  transport: "stdio",
                  command: process.execPath,
                  args: [BIN, "--demo"],
                  env: DEMO_ENV,
                  stderr: "ignore",
                },
          },
          prefixToolNameWithServerName: false,
          throwOnLoadError: true,
        });
        tools = await client.getTools();
      });
      after(async () => {
        await client?.close();
        if (server) await stop(server.child);
      });

      it("converts every tool (getTools) and invokes one; a bad argument is an error the agent sees", async () => {
        assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS);
        const get = tools.find((t) => t.name === "coder_get_task");
        assert.ok(get);
        const result = await get.invoke({ task_id: "alice/fix-login-flake" });
        assert.match(JSON.stringify(result), /fix-login-flake/);
        const bad = await get.invoke({ task_id: "a/b/c" }).then(
          (r: unknown) => JSON.stringify(r),
          (e: Error) => e.message,
        );
        assert.match(bad, /task_id "a\/b\/c"/);
      });

      it("a LangGraph ReAct agent with ChatOpenAI runs the loop to its final answer", async () => {
        const task = `healthz-lc-${transport}`;
        const fake = await startFakeOpenAI(script(task));
        try {
          const llm = new ChatOpenAI({
            model: "gpt-4o-mini",
            apiKey: "test",
            configuration: { baseURL: fake.baseURL },
            maxRetries: 0,
          });
          const agent = createReactAgent({ llm, tools });
          // Fails while tool results carry resource_link content: the adapter turns each link into a file block,
          // which ChatOpenAI refuses ("URL file blocks ... must be formatted as a data URL"). Resource links are
          // opt-in (off by default) once the --resource-links option is in; this assertion depends on it.
          const state = await agent.invoke({ messages: [{ role: "user", content: PROMPT }] });
          assertLoop(fake);
          assertToolsSent(fake);
          const last = state.messages.at(-1);
          assert.equal(last?.content, `Task ${task} is running; its agent finished its first turn.`);
          const called = state.messages.flatMap((m) =>
            AIMessage.isInstance(m) ? (m.tool_calls ?? []).map((c) => c.name) : [],
          );
          assert.deepEqual(called, [
            "coder_list_tasks",
            "coder_list_templates",
            "coder_create_task",
            "coder_get_task_logs",
          ]);
        } finally {
          await fake.close();
        }
      });

      it("lists and reads resources: the tasks, the templates, a task and its log", async () => {
        const { coder: resources = [] } = await client.listResources("coder");
        for (const name of DEMO_TASKS)
          assert.ok(
            resources.some((r) => r.uri === `coder://tasks/alice/${name}`),
            name,
          );
        const { coder: templates = [] } = await client.listResourceTemplates("coder");
        assert.deepEqual(templates.map((t) => t.uriTemplate).sort(), [
          "coder://tasks/{owner}/{task}",
          "coder://tasks/{owner}/{task}/logs",
        ]);
        const [task] = await client.readResource("coder", "coder://tasks/alice/fix-login-flake");
        assert.equal(task?.mimeType, "application/json");
        assert.equal((JSON.parse(task?.text ?? "") as { name: string }).name, "fix-login-flake");
        const [logs] = await client.readResource("coder", "coder://tasks/alice/fix-login-flake/logs");
        assert.equal(logs?.mimeType, "text/markdown");
      });
    });
  }
});
