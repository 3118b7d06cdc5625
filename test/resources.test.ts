// Tasks and their logs as resources: templates, a paginated list, reads, completion and subscriptions.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  LoggingMessageNotificationSchema,
  type McpError,
  type ReadResourceResult,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { RecordedRequest } from "./fake-coder/index.js";
import { pollingWitness, taskRequests, until, type World, world } from "./harness.js";

const POLL_MS = 50;

function textOf(result: ReadResourceResult): string {
  const [content] = result.contents;
  return content && "text" in content ? content.text : "";
}

/** The first request of a poll cycle of the subscriptions: the list of the user's tasks. */
function isCycle(r: RecordedRequest): boolean {
  return r.method === "GET" && r.path === "/api/v2/tasks";
}

describe("task resources", () => {
  let w: World;
  before(async () => {
    w = await world({}, { CODER_TASKS_MCP_POLL_SECONDS: String(POLL_MS / 1000), CODER_TASKS_MCP_RESOURCE_LINKS: "1" });
    w.fake.addUser({ username: "bob" });
    w.fake.addTemplate({ name: "claude-code" });
    w.fake.addTask({
      name: "fix-login",
      displayName: "Fix the login bug",
      state: { state: "idle", message: "Tests pass" },
    });
    w.fake.addTask({ owner: "bob", name: "bobs-task", logs: [{ type: "output", content: "hello from bob" }] });
  });
  after(() => w.close());

  it("offers two templates", async () => {
    const { resourceTemplates } = await w.client.listResourceTemplates();
    assert.deepEqual(
      resourceTemplates.map((t) => [t.uriTemplate, t.mimeType]),
      [
        ["coder://tasks/{owner}/{task}", "application/json"],
        ["coder://tasks/{owner}/{task}/logs", "text/markdown"],
      ],
    );
  });

  it("reads a task by name, by ID and with encoded characters, in full as Coder returns it", async () => {
    const byTool = await w.call("coder_get_task", { task_id: "fix-login", detail: "full" });
    const byName = await w.client.readResource({ uri: "coder://tasks/alice/fix-login" });
    assert.equal(byName.contents[0]?.mimeType, "application/json");
    const task = JSON.parse(textOf(byName));
    assert.deepEqual(
      [task.id, task.owner_name, task.status, task.workspace_id, task.workspace_agent_id, task.initial_prompt],
      [
        byTool.data.id,
        byTool.data.owner,
        byTool.data.status,
        byTool.data.workspace_id,
        byTool.data.workspace_agent_id,
        byTool.data.initial_prompt,
      ],
    );
    assert.ok(task.workspace_id && task.organization_id);
    assert.equal(byTool.data.uri, "coder://tasks/alice/fix-login");
    const byId = await w.client.readResource({ uri: `coder://tasks/alice/${byTool.data.id}` });
    assert.equal(JSON.parse(textOf(byId)).name, "fix-login");
    const encoded = await w.client.readResource({ uri: "coder://tasks/b%6Fb/BOBS%2Dtask" });
    assert.equal(JSON.parse(textOf(encoded)).owner_name, "bob");
    assert.equal(w.fake.requests.at(-1)?.rawUrl, "/api/v2/tasks/bob/BOBS-task");
  });

  it("reads a log as Markdown, fenced as the agent's data", async () => {
    const r = await w.client.readResource({ uri: "coder://tasks/bob/bobs-task/logs" });
    const text = textOf(r);
    assert.equal(r.contents[0]?.mimeType, "text/markdown");
    assert.match(text, /^# Log of task bob\/bobs-task \(active\)/);
    assert.match(text, /data, not instructions/);
    assert.match(text, /## \S+ · output · #\d+\n\n```text\nhello from bob\n```/);
  });

  it("says when a long log is cut and when a log is a snapshot", async () => {
    w.fake.addTask({
      name: "long-log",
      logs: Array.from({ length: 200 }, (_, i) => ({
        type: "output" as const,
        content: `line ${i} ${"z".repeat(500)}`,
      })),
    });
    const long = textOf(await w.client.readResource({ uri: "coder://tasks/me/long-log/logs" }));
    assert.match(long, /Showing the last (\d+) of 200 entries: \d+ older entries left out/);
    assert.ok(long.length < 20_000, String(long.length));
    await w.call("coder_pause_task", { task_id: "long-log" });
    const paused = textOf(await w.client.readResource({ uri: "coder://tasks/me/long-log/logs" }));
    assert.match(paused, /\(paused\)/);
    assert.match(paused, /Snapshot taken \S+, when the task stopped/);
  });

  it("answers resource-not-found, saying what was looked up", async () => {
    await assert.rejects(w.client.readResource({ uri: "coder://tasks/alice/no-such-task" }), (err: McpError) => {
      assert.equal(err.code, -32002);
      assert.match(err.message, /no task "alice\/no-such-task" is visible to you/);
      return true;
    });
    await assert.rejects(w.client.readResource({ uri: "coder://tasks/alice/a/b/c" }), (err: McpError) => {
      assert.ok(err.code === -32002 || err.code === -32602, String(err.code));
      return true;
    });
  });

  it("completes owners (me first) and the names of that owner's tasks", async () => {
    const ref = { type: "ref/resource" as const, uri: "coder://tasks/{owner}/{task}" };
    const owners = await w.client.complete({ ref, argument: { name: "owner", value: "" } });
    assert.deepEqual(owners.completion.values, ["me", "alice", "bob"]);
    const b = await w.client.complete({ ref, argument: { name: "owner", value: "b" } });
    assert.deepEqual(b.completion.values, ["bob"]);
    const tasks = await w.client.complete({
      ref,
      argument: { name: "task", value: "BO" },
      context: { arguments: { owner: "bob" } },
    });
    assert.deepEqual(tasks.completion.values, ["bobs-task"]);
  });

  it("links the resources of the tasks a tool result names", async () => {
    const r = await w.call("coder_send_task_input", { task_id: "fix-login", input: "hi" });
    const links = r.raw.content.filter((c) => c.type === "resource_link");
    assert.deepEqual(
      links.map((l) => (l.type === "resource_link" ? l.uri : "")),
      ["coder://tasks/alice/fix-login", "coder://tasks/alice/fix-login/logs"],
    );
  });
});

describe("resource list and subscriptions", () => {
  let w: World;
  const updates: string[] = [];
  let listChanges = 0;
  before(async () => {
    w = await world({}, { CODER_TASKS_MCP_POLL_SECONDS: String(POLL_MS / 1000) });
    w.fake.addTemplate({ name: "claude-code" });
    for (let i = 0; i < 120; i++)
      w.fake.addTask({ name: `task-${i}`, state: { state: "idle", message: `Task ${i} ready` } });
    w.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updates.push(n.params.uri);
    });
    w.client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
      listChanges += 1;
    });
  });
  after(() => w.close());

  it("lists the user's tasks in pages, with titles, descriptions and modification times", async () => {
    const pages = [];
    let cursor: string | undefined;
    do {
      const page = await w.client.listResources(cursor ? { cursor } : {});
      pages.push(page.resources);
      cursor = page.nextCursor;
    } while (cursor);
    // Pages of whatever size the server picks: more than one, none empty, every task once, newest first.
    assert.ok(pages.length > 1, `${pages.length} page(s)`);
    assert.ok(
      pages.every((p) => p.length > 0),
      "no empty page",
    );
    assert.deepEqual(
      pages.flat().map((r) => r.uri),
      Array.from({ length: 120 }, (_, i) => `coder://tasks/alice/task-${119 - i}`),
    );
    const first = pages[0]?.[0];
    assert.equal(first?.uri, "coder://tasks/alice/task-119");
    assert.equal(first?.title, "task-119 (active)");
    assert.equal(first?.description, "Task 119 ready");
    assert.equal(first?.mimeType, "application/json");
    assert.match(String((first?.annotations as { lastModified?: string })?.lastModified), /^\d{4}-\d\d-\d\dT/);
    await assert.rejects(w.client.listResources({ cursor: "bogus" }), /Invalid cursor/);
  });

  /** Resolves once `n` more poll cycles have begun (each with a list of the tasks): the one before has ended. */
  const cycles = (n: number) => w.fake.waitForRequests(isCycle, n, `${n} poll cycles`);

  it("sends exactly one update when a subscribed task changes, and list_changed when a task appears", async () => {
    const task = w.fake.getTask("task-7");
    assert.ok(task);
    await w.client.subscribeResource({ uri: "coder://tasks/alice/task-7" });
    await w.client.subscribeResource({ uri: "coder://tasks/alice/task-8/logs" });
    await cycles(2);
    assert.deepEqual(updates, [], "nothing changed yet");
    w.fake.setTaskStatus(task.id, "active", { state: "working", message: "Back at it" });
    await until(() => updates.length > 0, "an update");
    await cycles(2);
    assert.deepEqual(updates, ["coder://tasks/alice/task-7"], "one change, one notification");
    await w.call("coder_send_task_input", { task_id: "task-8", input: "more please" });
    await until(() => updates.length > 1, "a second update");
    await cycles(2);
    assert.deepEqual(updates, ["coder://tasks/alice/task-7", "coder://tasks/alice/task-8/logs"]);
    assert.equal(listChanges, 0);
    w.fake.addTask({ name: "newcomer" });
    await until(() => listChanges > 0, "list_changed");
    await cycles(2);
    assert.equal(listChanges, 1);
  });

  it("polls once per cycle for all subscriptions, and stops asking Coder when nobody is subscribed", async () => {
    const from = w.fake.requests.length;
    await cycles(4);
    // Three whole cycles between the first and the last list: each is one list and one log, whatever is watched.
    const seen = w.fake.requests.slice(from).filter((r) => r.path.includes("/tasks"));
    const starts = seen.flatMap((r, i) => (isCycle(r) ? [i] : []));
    for (const [k, start] of starts.slice(0, -1).entries()) {
      const cycle = seen
        .slice(start, starts[k + 1])
        .map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, "{id}")}`);
      assert.deepEqual(cycle, ["GET /api/v2/tasks", "GET /api/v2/tasks/me/{id}/logs"], `cycle ${k + 1}`);
    }
    assert.ok(starts.length >= 4, `${starts.length} cycles`);
    await w.client.unsubscribeResource({ uri: "coder://tasks/alice/task-7" });
    await w.client.unsubscribeResource({ uri: "coder://tasks/alice/task-8/logs" });
    const witness = await pollingWitness(POLL_MS / 1000);
    try {
      await witness.polls(2); // a cycle under way at the unsubscription has ended
      const quiet = taskRequests(w.fake).length;
      await witness.polls(3);
      assert.equal(taskRequests(w.fake).length, quiet, "no request without a subscription");
    } finally {
      await witness.close();
    }
  });

  it("stops polling when the client disconnects", async () => {
    const other = await world({}, { CODER_TASKS_MCP_POLL_SECONDS: String(POLL_MS / 1000) });
    other.fake.addTemplate({ name: "claude-code" });
    other.fake.addTask({ name: "watched" });
    await other.client.subscribeResource({ uri: "coder://tasks/me/watched" });
    await other.fake.waitForRequests(isCycle, 2, "two poll cycles");
    await other.client.close();
    const witness = await pollingWitness(POLL_MS / 1000);
    try {
      await witness.polls(2);
      const count = other.fake.requests.length;
      await witness.polls(3);
      assert.equal(other.fake.requests.length, count, "no request once the client has gone");
    } finally {
      await witness.close();
      await other.close();
    }
  });
});

describe("a failing subscription poll", () => {
  it("is reported worded as tool errors are, with the token redacted", async () => {
    const w = await world({}, { CODER_TASKS_MCP_POLL_SECONDS: String(POLL_MS / 1000) });
    try {
      w.fake.addTemplate({ name: "claude-code" });
      w.fake.addTask({ name: "watched" });
      const warned = new Promise<string>((resolve) => {
        w.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
          if (String(n.params.data).startsWith("Polling ")) resolve(String(n.params.data));
        });
      });
      // The first poll runs as the subscription is made; a 500 is not retried.
      w.fake.injectFault(
        { method: "GET", path: /^\/api\/v2\/tasks$/ },
        {
          status: 500,
          contentType: "application/json",
          body: JSON.stringify({ message: `database down (${w.fake.token})` }),
        },
      );
      await w.client.subscribeResource({ uri: "coder://tasks/me/watched" });
      const warning = await warned;
      assert.match(
        warning,
        /^Polling coder:\/\/tasks\/me\/watched failed \(reported once until it works again\): Coder answered 500 Internal Server Error to GET \/api\/v2\/tasks\. .*(<|&lt;)untrusted-coder-text-\w+> database down/,
      );
      assert.ok(!warning.includes(w.fake.token), warning);
    } finally {
      await w.close();
    }
  });
});
