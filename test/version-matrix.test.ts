// Every tool, the resources and the subscriptions on each simulated Coder version that differs (BEHAVIOR.md,
// Differences by version), through the SDK Client; then v2.26/v2.27 refused, and values no version sends yet.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  LoggingMessageNotificationSchema,
  type ReadResourceResult,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { call } from "./fake-coder/client.js";
import type { FakeCoder } from "./fake-coder/index.js";
import { type World, world } from "./harness.js";

interface Row {
  version: string;
  /** Where the task routes are. */
  root: "/api/experimental/tasks" | "/api/v2/tasks";
  /** How the wire spells an agent's failure. */
  failure: "failure" | "failed";
  busyStatus: "502 Bad Gateway" | "409 Conflict";
  notActive: "Task status must be active." | "Task must be active.";
  /** display_name, {task} by name, PATCH .../input and the synthesised state while initializing (v2.29+). */
  v229: boolean;
  pauseResume: boolean;
}

const OLD = { failure: "failure", busyStatus: "502 Bad Gateway", notActive: "Task status must be active." } as const;
const ROWS: Row[] = [
  { version: "v2.28.0", root: "/api/experimental/tasks", ...OLD, v229: false, pauseResume: false },
  { version: "v2.29.0", root: "/api/v2/tasks", ...OLD, v229: true, pauseResume: false },
  { version: "v2.30.2", root: "/api/v2/tasks", ...OLD, v229: true, pauseResume: false },
  { version: "v2.31.0", root: "/api/v2/tasks", ...OLD, v229: true, pauseResume: false },
  {
    version: "v2.31.1",
    root: "/api/v2/tasks",
    ...OLD,
    notActive: "Task must be active.",
    v229: true,
    pauseResume: true,
  },
  ...["v2.32.0", "v2.34.2"].map(
    (version): Row => ({
      version,
      root: "/api/v2/tasks",
      failure: "failed",
      busyStatus: "409 Conflict",
      notActive: "Task must be active.",
      v229: true,
      pauseResume: true,
    }),
  ),
];

const POLL_MS = 50;

function textOf(result: ReadResourceResult): string {
  const [content] = result.contents;
  return content && "text" in content ? content.text : "";
}

/** POSTs the fake received on a task's routes (by ID or name). */
function posts(fake: FakeCoder, ...keys: string[]): string[] {
  return fake.requests
    .filter((r) => r.method === "POST" && keys.some((k) => r.path.includes(`/${k}`)))
    .map((r) => r.path);
}

for (const row of ROWS) {
  describe(`Coder ${row.version}`, () => {
    let w: World;
    const updates: string[] = [];
    const warnings: string[] = [];
    let onUpdate = () => {};

    before(async () => {
      w = await world({ version: row.version }, { CODER_TASKS_MCP_POLL_SECONDS: String(POLL_MS / 1000) });
      w.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
        updates.push(n.params.uri);
        onUpdate();
      });
      w.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
        warnings.push(String(n.params.data));
      });
      w.fake.addTemplate({ name: "claude-code" });
    });
    after(async () => {
      assert.deepEqual(w.fake.violations, [], "every body within the contract");
      await w.close();
    });

    /** Resolves once `uri` has been reported updated (a poll cycle saw the change). */
    const updated = (uri: string) =>
      new Promise<void>((resolve) => {
        onUpdate = () => updates.includes(uri) && resolve();
        onUpdate();
      });

    it("serves every tool on the routes of this version, refusing what it lacks with the version", async () => {
      w.fake.addTask({ name: "idle-one", state: { state: "idle", message: "Done" } });
      w.fake.addTask({ name: "resting", status: "paused" });
      const templates = await w.call("coder_list_templates");
      assert.equal(templates.isError, false, templates.text);

      const created = await w.call("coder_create_task", {
        input: "Fix the build",
        name: "made-here",
        display_name: "Made here",
      });
      assert.equal(created.isError, false, created.text);
      const sent = JSON.parse(w.fake.requests.find((r) => r.method === "POST")?.body ?? "{}");
      assert.equal(sent.display_name, row.v229 ? "Made here" : undefined);
      assert.equal(created.data.task.display_name, row.v229 ? "Made here" : undefined);
      if (row.v229) assert.equal(created.data.note, undefined);
      else assert.match(created.data.note, /display_name was not sent: this Coder version has none \(v2\.29\.0\+\)/);

      const list = await w.call("coder_list_tasks");
      assert.equal(list.isError, false, list.text);
      assert.deepEqual(list.data.tasks.map((t: { name: string }) => t.name).sort(), [
        "idle-one",
        "made-here",
        "resting",
      ]);
      const got = await w.call("coder_get_task", { task_id: "  made-here \n" });
      assert.equal(got.isError, false, got.text);
      assert.equal(got.data.name, "made-here", "identifiers are trimmed");

      const waited = await w.call("coder_wait_for_task", { task_id: "idle-one" });
      assert.equal(waited.data.wait.outcome, "reached", waited.text);
      const logs = await w.call("coder_get_task_logs", { task_id: "idle-one" });
      assert.equal(logs.isError, false, logs.text);
      const send = await w.call("coder_send_task_input", { task_id: "idle-one", input: "And the tests" });
      assert.equal(send.isError, false, send.text);
      assert.deepEqual(w.fake.sentInputs("idle-one"), ["And the tests"]);

      const update = await w.call("coder_update_task_input", { task_id: "resting", input: "A better prompt" });
      if (row.v229) assert.equal(update.isError, false, update.text);
      else
        assert.match(
          update.text,
          /^Updating a task's input needs Coder v2\.29\.0 or later; \S+ runs Coder v2\.28\.0\.$/,
        );

      const pause = await w.call("coder_pause_task", { task_id: "idle-one" });
      const resume = await w.call("coder_resume_task", { task_id: "resting" });
      if (row.pauseResume) {
        assert.equal(pause.data.build.transition, "stop", pause.text);
        assert.equal(resume.data.build.transition, "start", resume.text);
      } else {
        for (const r of [pause, resume]) {
          assert.match(
            r.text,
            new RegExp(
              `^Pausing and resuming a task needs Coder v2\\.31\\.1 or later; \\S+ runs Coder ${row.version}\\.$`,
            ),
          );
        }
        assert.deepEqual(posts(w.fake, "pause", "resume"), [], "nothing sent");
      }

      // The new task's first build is still queued: Coder refuses to delete it until the build ends.
      const deleted = await w.call("coder_delete_task", { task_id: "idle-one" });
      assert.equal(deleted.data.deleted, true, deleted.text);

      const taskPaths = w.fake.requests.filter((r) => r.path.includes("/tasks")).map((r) => r.path);
      assert.ok(
        taskPaths.every((p) => p.startsWith(row.root)),
        taskPaths.join("\n"),
      );
      if (!row.v229) assert.ok(!taskPaths.some((p) => p.includes("/made-here")), "v2.28 takes IDs only in paths");
    });

    it("reads an agent's failure (sent as this version spells it) as failed in list, get, wait and resources", async () => {
      const task = w.fake.addTask({ name: "broke", state: { state: "failed", message: "Tests fail" } });
      const wire = await call(w.fake, "GET", `${row.root}/me/${task.id}`);
      assert.equal(wire.body.current_state.state, row.failure, "the wire spelling of this version");

      const list = await w.call("coder_list_tasks");
      assert.equal(list.isError, false, list.text);
      assert.equal(list.data.tasks.find((t: { name: string }) => t.name === "broke")?.state, "failed");
      const got = await w.call("coder_get_task", { task_id: "broke" });
      assert.equal(got.data.state, "failed", got.text);
      const waited = await w.call("coder_wait_for_task", { task_id: "broke" });
      assert.deepEqual([waited.data.wait.outcome, waited.data.wait.note], ["reached", "The agent is failed."]);
      const read = await w.client.readResource({ uri: "coder://tasks/alice/broke" });
      assert.equal(JSON.parse(textOf(read)).current_state.state, "failed");
      const { resources } = await w.client.listResources();
      assert.ok(resources.some((r) => r.uri === "coder://tasks/alice/broke"));
    });

    it("says a busy agent's input was not sent, sends it once, and advises to wait", async () => {
      const task = w.fake.addTask({ name: "busy", state: { state: "working", message: "Compiling" } });
      const r = await w.call("coder_send_task_input", { task_id: "busy", input: "Stop" });
      assert.equal(r.isError, true);
      assert.match(
        r.text,
        new RegExp(
          `^Coder answered ${row.busyStatus} to POST [^\\n]*\\n[\\s\\S]*\\nTask app is not ready to accept input\\.`,
        ),
      );
      assert.match(
        r.text,
        /The input was NOT sent: the agent is busy\. Wait until it is idle with coder_wait_for_task/,
      );
      assert.doesNotMatch(r.text, /may have reached/);
      assert.equal(posts(w.fake, task.id, "busy").length, 1, "one POST, never retried");
      assert.deepEqual(w.fake.sentInputs("busy"), []);
    });

    it("gives advice on a paused task that fits this version", async () => {
      w.fake.addTask({ name: "sleepy", status: "paused" });
      const send = await w.call("coder_send_task_input", { task_id: "sleepy", input: "Wake up" });
      const waited = await w.call("coder_wait_for_task", { task_id: "sleepy" });
      assert.equal(waited.data.wait.outcome, "stopped");
      for (const text of [send.text, waited.data.wait.note]) {
        if (row.pauseResume) assert.match(text, /resume it with coder_resume_task/);
        else {
          assert.match(
            text,
            /start its workspace alice\/sleepy again in Coder \(dashboard, or `coder start alice\/sleepy`\)/,
          );
          assert.doesNotMatch(text, /coder_resume_task|resume: true/);
        }
      }
      if (!row.pauseResume) {
        const resume = await w.call("coder_send_task_input", { task_id: "sleepy", input: "Wake up", resume: true });
        assert.match(resume.text, /^Pausing and resuming a task needs Coder v2\.31\.1 or later/);
      }
      assert.deepEqual(posts(w.fake, "sleepy", w.fake.getTask("sleepy")?.id ?? "?"), [], "nothing sent");
    });

    it("refuses to update a running task's input with advice that fits this version", async () => {
      w.fake.addTask({ name: "running-one", state: { state: "idle", message: "Ready" } });
      const r = await w.call("coder_update_task_input", { task_id: "running-one", input: "New prompt" });
      assert.equal(r.isError, true);
      if (!row.v229) assert.match(r.text, /^Updating a task's input needs Coder v2\.29\.0 or later/);
      else if (row.pauseResume) {
        assert.match(r.text, /409 Conflict [\s\S]*\nUnable to update task input, task must be paused\./);
        assert.match(r.text, /Pause it with coder_pause_task first\./);
      } else {
        assert.match(
          r.text,
          /cannot pause a task through its API \(v2\.31\.1\+ can\)\. Stop its workspace in Coder first \(dashboard, or `coder stop alice\/running-one`\)\.$/,
        );
        assert.doesNotMatch(r.text, /coder_pause_task/);
        const id = w.fake.getTask("running-one")?.id ?? "?";
        assert.ok(!w.fake.requests.some((q) => q.method === "PATCH" && q.path.includes(id)), "nothing sent");
      }
    });

    it("passes on this version's refusal of a task that is not active, with a hint", async () => {
      w.fake.addTask({ name: "errored", status: "error" });
      const r = await w.call("coder_send_task_input", { task_id: "errored", input: "Hello" });
      assert.match(r.text, new RegExp(`400 Bad Request [\\s\\S]*\\n${row.notActive.replaceAll(".", "\\.")}`));
      assert.match(r.text, /The task is not active, and Coder takes input and serves logs only for an active task/);
    });

    it("shows the initializing state this version sends, and stops waiting for idle on unknown", async () => {
      w.fake.addTask({ name: "warming", status: "initializing" });
      const got = await w.call("coder_get_task", { task_id: "warming" });
      assert.equal(got.isError, false, got.text);
      assert.equal(got.data.state ?? null, row.v229 ? "working" : null);
      const list = await w.call("coder_list_tasks", { status: "initializing" });
      assert.deepEqual(
        list.data.tasks.map((t: { state: string | null }) => t.state),
        [row.v229 ? "working" : null],
      );
      w.fake.addTask({ name: "limbo", status: "unknown" });
      const waited = await w.call("coder_wait_for_task", { task_id: "limbo" });
      assert.equal(waited.data.wait.outcome, "stopped");
      assert.match(waited.data.wait.note, /status is unknown/);
    });

    // The time-out only ends a run whose awaited notification never comes; it is no margin.
    it("reports subscribed changes, a failure among them, and keeps polling a paused task's log", {
      timeout: 60_000,
    }, async () => {
      const watched = w.fake.addTask({ name: "watched", state: { state: "working", message: "Busy" } });
      w.fake.addTask({ name: "dozing", status: "paused" });
      await w.client.subscribeResource({ uri: "coder://tasks/alice/watched" });
      await w.client.subscribeResource({ uri: "coder://tasks/alice/dozing/logs" });
      w.fake.setTaskStatus(watched.id, "active", { state: "failed", message: "Gave up" });
      await updated("coder://tasks/alice/watched");
      w.fake.setTaskStatus("dozing", "active", { state: "idle", message: "Back" });
      await updated("coder://tasks/alice/dozing/logs");
      const read = await w.client.readResource({ uri: "coder://tasks/alice/watched" });
      assert.equal(JSON.parse(textOf(read)).current_state.state, "failed");
      await w.client.unsubscribeResource({ uri: "coder://tasks/alice/watched" });
      await w.client.unsubscribeResource({ uri: "coder://tasks/alice/dozing/logs" });
      assert.deepEqual(
        warnings.filter((m) => m.includes("Polling")),
        [],
      );
    });
  });
}

describe("Coder v2.26 and v2.27", () => {
  for (const version of ["v2.26.3", "v2.27.0"]) {
    it(`refuses ${version} in one sentence before any task request, for every tool and resource`, async () => {
      const w = await world({ version });
      try {
        w.fake.addTemplate({ name: "claude-code" });
        w.fake.addTask({ name: "old", status: "paused" });
        const sentence = new RegExp(
          `^Coder ${version.replaceAll(".", "\\.")} at http://127\\.0\\.0\\.1:\\d+ is not supported: this server needs Coder v2\\.28\\.0 or later, as older releases serve a different Tasks API\\.$`,
        );
        for (const [name, args] of [
          ["coder_create_task", { input: "Fix it", template: "claude-code" }],
          ["coder_send_task_input", { task_id: "old", input: "Hi" }],
          ["coder_update_task_input", { task_id: "old", input: "Hi" }],
          ["coder_pause_task", { task_id: "old" }],
          ["coder_resume_task", { task_id: "old" }],
          ["coder_delete_task", { task_id: "old" }],
          ["coder_list_tasks", {}],
          ["coder_get_task", { task_id: "old" }],
          ["coder_wait_for_task", { task_id: "old" }],
          ["coder_get_task_logs", { task_id: "old" }],
          ["coder_list_templates", {}],
        ] as const) {
          const r = await w.call(name, args);
          assert.equal(r.isError, true, name);
          assert.match(r.text, sentence, name);
        }
        await assert.rejects(w.client.listResources(), /is not supported: this server needs Coder v2\.28\.0/);
        await assert.rejects(
          w.client.readResource({ uri: "coder://tasks/alice/old" }),
          /is not supported: this server needs Coder v2\.28\.0/,
        );
        assert.deepEqual(
          w.fake.requests.map((r) => `${r.method} ${r.path}`),
          ["GET /api/v2/buildinfo"],
          "only the version was read",
        );
      } finally {
        await w.close();
      }
    });
  }
});

describe("values no version sends yet, and rules of every version", () => {
  let w: World;
  let id: string;
  /** The task as Coder serves it, with a status and an agent state this server does not know. */
  let future: Record<string, unknown>;
  const json = (body: unknown) => ({ status: 200, contentType: "application/json", body: JSON.stringify(body) });

  before(async () => {
    w = await world();
    w.fake.addTemplate({ name: "claude-code" });
    id = w.fake.addTask({ name: "ahead", state: { state: "idle", message: "Ok" } }).id;
    const wire = await call(w.fake, "GET", `/api/v2/tasks/me/${id}`);
    future = {
      ...wire.body,
      status: "hibernating",
      current_state: { ...wire.body.current_state, state: "pondering" },
      brand_new_field: { nested: true },
    };
  });
  after(() => w.close());

  it("passes an unknown status and agent state through list, get and resources", async () => {
    w.fake.injectFault({ method: "GET", path: /\/api\/v2\/tasks$/ }, json({ tasks: [future], count: 1 }));
    const list = await w.call("coder_list_tasks");
    assert.equal(list.isError, false, list.text);
    assert.deepEqual([list.data.tasks[0].status, list.data.tasks[0].state], ["hibernating", "pondering"]);

    w.fake.injectFault({ method: "GET", path: new RegExp(`/${id}$`) }, json(future));
    const got = await w.call("coder_get_task", { task_id: id, detail: "full" });
    assert.equal(got.isError, false, got.text);
    assert.deepEqual([got.data.status, got.data.state], ["hibernating", "pondering"]);
    assert.deepEqual(got.data.brand_new_field, { nested: true });

    w.fake.injectFault({ method: "GET", path: new RegExp(`/${id}$`) }, json(future));
    const read = await w.client.readResource({ uri: `coder://tasks/alice/${id}` });
    assert.equal(JSON.parse(textOf(read)).status, "hibernating");
    w.fake.injectFault({ method: "GET", path: /\/api\/v2\/tasks$/ }, json({ tasks: [future], count: 1 }));
    const { resources } = await w.client.listResources();
    assert.equal(resources[0]?.title, "ahead (hibernating)");
  });

  it("leaves one malformed task out of a list, saying which and why", async () => {
    const broken = { ...future, status: "active", owner_name: 42 };
    w.fake.injectFault(
      { method: "GET", path: /\/api\/v2\/tasks$/ },
      json({
        tasks: [
          { ...broken, id: "bad-one" },
          { ...future, name: "fine" },
        ],
        count: 2,
      }),
    );
    const list = await w.call("coder_list_tasks");
    assert.equal(list.isError, false, list.text);
    assert.deepEqual(
      list.data.tasks.map((t: { name: string }) => t.name),
      ["fine"],
    );
    assert.equal(list.data.skipped.length, 1);
    assert.equal(list.data.skipped[0].task, "bad-one");
    assert.match(list.data.skipped[0].problem, /^owner_name: /);
  });

  it("counts the grace for error from the start of the wait, as the CLI does", async () => {
    const task = w.fake.addTask({ name: "late-error", state: { state: "working", message: "Busy" } });
    const gets = () => w.fake.requests.filter((r) => r.method === "GET" && r.path.endsWith(task.id)).length;
    const waiting = w.call("coder_wait_for_task", { task_id: "late-error", timeout_seconds: 60 });
    // 15 polls at the test pace (10 ms growing to 40 ms between them) take longer than its 400 ms grace.
    while (gets() < 15) await new Promise((r) => setTimeout(r, 5));
    w.fake.setTaskStatus(task.id, "error");
    const before = gets();
    const r = await waiting;
    assert.deepEqual(
      [r.data.wait.outcome, r.data.wait.note],
      ["stopped", "The task has been in error for too long: check it with coder_get_task."],
    );
    assert.ok(gets() - before <= 2, `stopped at the first poll that saw the error, not ${gets() - before} polls later`);
  });

  it("keeps waiting for paused through unknown (a stop build in progress)", async () => {
    w.fake.addTask({ name: "stopping", status: "unknown" });
    const r = await w.call("coder_wait_for_task", { task_id: "stopping", until: "paused", timeout_seconds: 1 });
    assert.equal(r.data.wait.outcome, "timed_out", r.text);
  });

  it("measures display_name in UTF-8 bytes, as Coder does", async () => {
    const tooLong = await w.call("coder_create_task", { input: "x", display_name: "é".repeat(33) });
    assert.equal(tooLong.isError, true);
    assert.match(tooLong.text, /at most 64 bytes in UTF-8/);
    const fits = await w.call("coder_create_task", { input: "x", display_name: "é".repeat(32) });
    assert.equal(fits.isError, false, fits.text);
    assert.equal(fits.data.task.display_name, "é".repeat(32));
  });
});
