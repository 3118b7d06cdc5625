// Prompts (slash commands) and the confirmation that guards deletion.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ElicitRequestSchema, type ElicitResult, ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { connect, refusedPort, taskRequests, type World, world } from "./harness.js";

/** A rejection with this JSON-RPC error code and a message matching `text`. */
function protocolError(code: number, text: RegExp) {
  return (err: unknown) => err instanceof McpError && err.code === code && text.test(err.message);
}

describe("prompts", () => {
  let w: World;
  before(async () => {
    w = await world();
    w.fake.addTemplate({ name: "claude-code" });
    w.fake.addTemplate({ name: "codex" });
    w.fake.addTask({
      name: "fix-login",
      state: { state: "idle", message: "Tests pass" },
      logs: [{ type: "output", content: "I fixed it." }],
    });
  });
  after(() => w.close());

  it("lists both prompts with their arguments", async () => {
    const { prompts } = await w.client.listPrompts();
    assert.deepEqual(
      prompts.map((p) => [p.name, (p.arguments ?? []).map((a) => `${a.name}${a.required ? "" : "?"}`)]),
      [
        ["delegate_to_coder_task", ["goal", "template?"]],
        ["review_coder_task", ["task_id"]],
      ],
    );
  });

  it("sets up the usual flow for a goal", async () => {
    const r = await w.client.getPrompt({ name: "delegate_to_coder_task", arguments: { goal: "Upgrade React to 19" } });
    const text = r.messages[0]?.content.type === "text" ? r.messages[0].content.text : "";
    assert.match(text, /Upgrade React to 19/);
    assert.match(text, /coder_list_templates.*\n.*coder_create_task with wait: true/s);
    assert.match(text, /coder_get_task_logs/);
    const withTemplate = await w.client.getPrompt({
      name: "delegate_to_coder_task",
      arguments: { goal: "x", template: "codex" },
    });
    assert.match(
      withTemplate.messages[0]?.content.type === "text" ? withTemplate.messages[0].content.text : "",
      /template "codex"/,
    );
  });

  it("reviews a task with its state and log embedded", async () => {
    const r = await w.client.getPrompt({ name: "review_coder_task", arguments: { task_id: "fix-login" } });
    const uris = r.messages.flatMap((m) => (m.content.type === "resource" ? [m.content.resource.uri] : []));
    assert.deepEqual(uris, ["coder://tasks/alice/fix-login", "coder://tasks/alice/fix-login/logs"]);
    const log = r.messages.at(-1)?.content;
    assert.ok(log?.type === "resource" && "text" in log.resource && log.resource.text.includes("I fixed it."));
    await assert.rejects(
      w.client.getPrompt({ name: "review_coder_task", arguments: { task_id: "nope" } }),
      /No task "nope"/,
    );
  });

  it("looks the task up once for its text, its state and its log", async () => {
    const task = w.fake.getTask("fix-login");
    const before = taskRequests(w.fake).length;
    await w.client.getPrompt({ name: "review_coder_task", arguments: { task_id: "fix-login" } });
    assert.deepEqual(taskRequests(w.fake).slice(before), [
      "GET /api/v2/tasks/me/fix-login",
      `GET /api/v2/tasks/me/${task?.id}/logs`,
    ]);
  });

  it("refuses a bad or unknown task as an invalid argument, saying what to pass", async () => {
    await assert.rejects(
      w.client.getPrompt({ name: "review_coder_task", arguments: { task_id: "a/b/c" } }),
      protocolError(ErrorCode.InvalidParams, /task_id "a\/b\/c" is not a task identifier \(more than one '\/'\)/),
    );
    await assert.rejects(
      w.client.getPrompt({ name: "review_coder_task", arguments: { task_id: "nope" } }),
      protocolError(ErrorCode.InvalidParams, /No task "nope" is visible to you\. List tasks with coder_list_tasks/),
    );
  });

  it("reports an unreachable Coder as an internal error that says so, not as a bad argument", async () => {
    const port = await refusedPort();
    const c = await connect({ CODER_URL: `http://127.0.0.1:${port}`, CODER_SESSION_TOKEN: w.fake.token });
    try {
      await assert.rejects(
        c.client.getPrompt({ name: "review_coder_task", arguments: { task_id: "fix-login" } }),
        protocolError(
          ErrorCode.InternalError,
          new RegExp(`Cannot reach Coder at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`),
        ),
      );
    } finally {
      await c.close();
    }
  });

  it("completes templates and task names", async () => {
    const templates = await w.client.complete({
      ref: { type: "ref/prompt", name: "delegate_to_coder_task" },
      argument: { name: "template", value: "co" },
    });
    assert.deepEqual(templates.completion.values, ["codex"]);
    const tasks = await w.client.complete({
      ref: { type: "ref/prompt", name: "review_coder_task" },
      argument: { name: "task_id", value: "FIX" },
    });
    assert.deepEqual(tasks.completion.values, ["fix-login"]);
  });
});

describe("confirming deletion", () => {
  async function withAnswer(answer: ElicitResult | undefined, fn: (w: World, asked: string[]) => Promise<void>) {
    const w = await world({}, {}, { capabilities: answer ? { elicitation: {} } : {} });
    const asked: string[] = [];
    if (answer) {
      w.client.setRequestHandler(ElicitRequestSchema, async (request) => {
        asked.push(request.params.message);
        return answer;
      });
    }
    try {
      w.fake.addTemplate({ name: "claude-code" });
      await fn(w, asked);
    } finally {
      await w.close();
    }
  }

  it("asks the user, naming the task and its owner, and deletes on yes", () =>
    withAnswer({ action: "accept", content: { confirm: true } }, async (w, asked) => {
      const task = w.fake.addTask({ name: "doomed", displayName: "Doomed task" });
      const r = await w.call("coder_delete_task", { task_id: "doomed" });
      assert.equal(r.data.deleted, true);
      assert.deepEqual(asked, [
        'Delete the Coder task alice/doomed ("Doomed task"), owned by alice, and its workspace? This cannot be undone.',
      ]);
      assert.equal(taskRequests(w.fake).at(-1), `DELETE /api/v2/tasks/me/${task.id}`);
    }));

  for (const [answer, word] of [
    [{ action: "decline" }, "declined"],
    [{ action: "cancel" }, "cancelled"],
    [{ action: "accept", content: { confirm: false } }, "declined"],
  ] as const) {
    it(`deletes nothing when the user ${word} (${JSON.stringify(answer)})`, () =>
      withAnswer(answer, async (w) => {
        w.fake.addTask({ name: "keeper" });
        const r = await w.call("coder_delete_task", { task_id: "keeper" });
        assert.equal(r.isError, false);
        assert.equal(r.data.deleted, false);
        assert.match(r.data.note, new RegExp(`Not deleted: the user ${word} the confirmation`));
        assert.ok(!taskRequests(w.fake).some((q) => q.startsWith("DELETE")));
      }));
  }

  it("relies on the destructive annotation when the client cannot ask", () =>
    withAnswer(undefined, async (w) => {
      w.fake.addTask({ name: "unasked" });
      const r = await w.call("coder_delete_task", { task_id: "unasked" });
      assert.equal(r.data.deleted, true);
    }));
});
