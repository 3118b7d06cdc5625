// The fake's opt-in lifecycle (tasks that move on by themselves, as BEHAVIOR.md describes each step) and a task
// with a huge log. The lifecycle is stepped by hand ("manual"), reading the task after each step, so that every
// state is seen however busy the machine; only "nothing moves after close" runs on timers, checked once a second
// fake with the same timers has moved all the way.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { call, pollUntil } from "./fake-coder/client.js";
import { FakeCoder, type Task, type TaskLogEntry, type WorkspaceBuild } from "./fake-coder/index.js";

const TASK = "/api/v2/tasks/me/worker";

/** What a client watching the task tells apart. */
const view = (t: Task) => `${t.status}/${t.current_state?.state ?? "none"}/${t.current_state?.message ?? ""}`;
/** The status and state only, consecutive repeats dropped. */
const path = (seen: Task[]) =>
  seen.map((t) => `${t.status}/${t.current_state?.state ?? "none"}`).filter((v, i, all) => v !== all[i - 1]);
const isIdle = (t: Task) => t.status === "active" && t.current_state?.state === "idle";
const logsOf = async (fake: FakeCoder) => (await call(fake, "GET", `${TASK}/logs`)).body;

/** Takes lifecycle steps until `done` holds, reading the task before and after each: every distinct view, in order. */
async function stepUntil(fake: FakeCoder, done: (t: Task) => boolean): Promise<Task[]> {
  const seen = [(await call(fake, "GET", TASK)).body as Task];
  for (let last = seen[0]; last && !done(last); ) {
    assert.ok(fake.step() > 0, `the task stopped moving at ${view(last)}`);
    const body = (await call(fake, "GET", TASK)).body as Task;
    if (view(body) !== view(last)) seen.push(body);
    last = body;
  }
  return seen;
}

describe("the lifecycle", () => {
  let fake: FakeCoder;
  let versionId: string;
  before(async () => {
    fake = await FakeCoder.start({ lifecycle: { stepMs: "manual" } });
    versionId = fake.addTemplate({ name: "claude-code" }).activeVersionId;
  });
  after(() => fake.close());

  it("starts a created task, works on the prompt, then answers with an output entry and is idle", async () => {
    const input = "Fix the flaky login test in the CI pipeline";
    const created = await call(fake, "POST", "/api/v2/tasks/me", {
      body: { input, template_version_id: versionId, name: "worker" },
    });
    assert.deepEqual([created.status, created.body.status], [201, "pending"]);
    const seen = await stepUntil(fake, isIdle);
    assert.equal(view(seen[0] as Task), view(created.body as Task));
    assert.deepEqual(path(seen), ["pending/none", "initializing/working", "active/working", "active/idle"]);
    assert.ok(
      seen.some((t) => t.current_state?.message === "Agent is starting"),
      seen.map(view).join(", "),
    );
    const updates = seen.map((t) => t.updated_at);
    assert.deepEqual(updates, [...updates].sort(), "updated_at moves on");
    assert.equal(new Set(updates).size, updates.length);
    const done = seen.at(-1);
    assert.deepEqual([done?.workspace_status, done?.workspace_agent_lifecycle], ["running", "ready"]);
    assert.equal(done?.current_state?.message, "Finished: Fix the flaky login test in…");
    const logs = (await logsOf(fake)).logs as TaskLogEntry[];
    assert.deepEqual(
      logs.map((l) => [l.type, l.content]),
      [
        ["input", input],
        ["output", "Done: Fix the flaky login test in…"],
      ],
    );
  });

  it("takes a message while idle, works on it at once, refuses another, then replies and is idle", async () => {
    const send = (input: string) => call(fake, "POST", `${TASK}/send`, { body: { input } });
    assert.equal((await send("Now add a regression test")).status, 204);
    const working = (await call(fake, "GET", TASK)).body as Task;
    assert.deepEqual([working.status, working.current_state?.state], ["active", "working"]);
    const busy = await send("And another");
    assert.deepEqual(
      [busy.status, busy.body],
      [409, { message: "Task app is not ready to accept input.", detail: "Status: running" }],
    );
    await stepUntil(fake, isIdle);
    const logs = (await logsOf(fake)).logs as TaskLogEntry[];
    assert.deepEqual(
      logs.slice(-2).map((l) => [l.type, l.content]),
      [
        ["input", "Now add a regression test"],
        ["output", 'Reply to "Now add a regression test": done.'],
      ],
    );
    assert.deepEqual(fake.sentInputs("worker"), ["Now add a regression test"]);
  });

  it("pauses through unknown, while the stop build runs, into paused with a snapshot taken then", async () => {
    const before = (await logsOf(fake)).logs as TaskLogEntry[];
    const r = await call(fake, "POST", `${TASK}/pause`);
    assert.equal(r.status, 202);
    const build = r.body.workspace_build as WorkspaceBuild;
    assert.deepEqual([build.transition, build.status, build.job.status], ["stop", "pending", "pending"]);
    const pausing = (await call(fake, "GET", TASK)).body as Task;
    assert.deepEqual([pausing.status, pausing.workspace_status], ["unknown", "stopping"]);
    const running = (await call(fake, "GET", `/api/v2/workspacebuilds/${build.id}`)).body as WorkspaceBuild;
    assert.deepEqual([running.status, running.job.status], ["stopping", "running"]);

    const seen = await stepUntil(fake, (t) => t.status === "paused");
    assert.equal(seen[0]?.status, "unknown");
    const paused = seen.at(-1);
    const stopped = (await call(fake, "GET", `/api/v2/workspacebuilds/${build.id}`)).body as WorkspaceBuild;
    assert.deepEqual([stopped.status, stopped.job.status], ["stopped", "succeeded"]);
    const snapshot = await logsOf(fake);
    assert.equal(snapshot.snapshot, true);
    assert.ok(snapshot.snapshot_at > build.created_at && snapshot.snapshot_at <= (paused?.updated_at ?? ""));
    assert.deepEqual(snapshot.logs, before);
    const refused = await call(fake, "POST", `${TASK}/send`, { body: { input: "hello" } });
    assert.deepEqual([refused.status, refused.body.message], [409, "Task is paused."]);
  });

  it("resumes through pending and initializing into an active, idle task", async () => {
    const r = await call(fake, "POST", `${TASK}/resume`);
    assert.equal(r.status, 202);
    const build = r.body.workspace_build as WorkspaceBuild;
    assert.deepEqual([build.transition, build.status], ["start", "pending"]);
    assert.equal((await call(fake, "POST", `${TASK}/resume`)).body.message, "A workspace build is already active.");
    const seen = await stepUntil(fake, isIdle);
    assert.deepEqual(path(seen), ["pending/none", "initializing/working", "active/idle"]);
    const started = (await call(fake, "GET", `/api/v2/workspacebuilds/${build.id}`)).body as WorkspaceBuild;
    assert.deepEqual([started.status, started.job.status], ["running", "succeeded"]);
    assert.equal("snapshot" in (await logsOf(fake)), false, "live logs again");
    assert.equal((await call(fake, "POST", `${TASK}/resume`)).body.message, "Task workspace is already running.");
  });

  it("deletes the task at once, while its delete build finishes later", async () => {
    const id = fake.getTask("worker")?.id ?? "";
    assert.equal((await call(fake, "DELETE", TASK)).status, 202);
    assert.equal((await call(fake, "GET", `/api/v2/tasks/me/${id}`)).status, 404);
    assert.equal(fake.getTask(id)?.workspace_status, "pending");
    while (fake.getTask(id)?.workspace_status !== "deleted" && fake.step() > 0);
    assert.equal(fake.getTask(id)?.workspace_status, "deleted");
  });

  it("stops moving once closed", async () => {
    const other = await FakeCoder.start({ lifecycle: { stepMs: 10 } });
    const id = other.addTemplate({ name: "claude-code" }).activeVersionId;
    await call(other, "POST", "/api/v2/tasks/me", { body: { input: "x", template_version_id: id, name: "t" } });
    const last = other.getTask("t")?.updated_at;
    await other.close();
    // A witness with the same step, started after the close, goes all the way to idle: `other` had that time too.
    const witness = await FakeCoder.start({ lifecycle: { stepMs: 10 } });
    try {
      const version = witness.addTemplate({ name: "claude-code" }).activeVersionId;
      await call(witness, "POST", "/api/v2/tasks/me", {
        body: { input: "x", template_version_id: version, name: "t" },
      });
      await pollUntil<Task>(witness, "/api/v2/tasks/me/t", view, isIdle);
    } finally {
      await witness.close();
    }
    assert.equal(other.getTask("t")?.updated_at, last);
  });

  it("kept every body within the contract", () => assert.deepEqual(fake.violations, []));
});

describe("a task with a huge log", () => {
  it("holds 10 000 entries of 2 KB and serves them whole, within the contract", async () => {
    const fake = await FakeCoder.start();
    try {
      fake.addTemplate({ name: "claude-code" });
      fake.addTask({ name: "huge" });
      const content = "x".repeat(2048);
      const start = Date.parse("2026-03-01T00:00:00Z");
      const entries = Array.from({ length: 10_000 }, (_, i) => ({
        id: i + 1,
        type: i % 2 === 0 ? ("input" as const) : ("output" as const),
        content,
        time: new Date(start + i * 1000).toISOString(),
      }));
      fake.setTaskLogs("huge", entries);
      // How fast is measured by npm run bench (large logs), not here: a busy machine must not fail this test.
      const r = await call(fake, "GET", "/api/v2/tasks/me/huge/logs");
      assert.equal(r.status, 200);
      const logs = r.body.logs as TaskLogEntry[];
      assert.deepEqual([logs.length, logs[0]?.id, logs.at(-1)?.id], [10_000, 1, 10_000]);
      assert.deepEqual(logs.at(-1), entries.at(-1));
      fake.addTask({ name: "also-huge", logs: entries.map(({ type }) => ({ type, content })) });
      assert.equal(fake.getTask("also-huge")?.logs.length, 10_000);
      assert.deepEqual(fake.violations, []);
    } finally {
      await fake.close();
    }
  });
});
