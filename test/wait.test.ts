// Waiting for tasks: against a fake whose tasks move on (pending -> initializing -> working -> idle) one step each
// time the server has read a task, so that the server reads every state however busy the machine; changes made by a
// test wait for the server's reads in the same way, never for a fixed time.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { WaitTiming } from "../src/coder/wait.js";
import { FAST_WAIT, getsOf, pollingWitness, taskRequests, until, type World, world } from "./harness.js";

/** Task reads (GETs on task routes) the fake has answered so far. */
const reads = (w: World) => w.fake.answered.filter((r) => r.method === "GET" && r.path.includes("/tasks")).length;

/** Resolves once the fake has answered `count` more task reads than it had when called. */
function afterReads(w: World, count: number): Promise<void> {
  const target = reads(w) + count;
  return until(() => reads(w) >= target, `${count} task reads`);
}

async function withWorld(fn: (w: World) => Promise<void>, waitTiming: WaitTiming = FAST_WAIT): Promise<void> {
  const w = await world({ lifecycle: { stepMs: "manual" } }, {}, { waitTiming });
  let stopped = false;
  // One lifecycle step after each answered read.
  const driver = (async () => {
    for (let seen = reads(w); !stopped; seen = reads(w)) {
      await until(() => stopped || reads(w) > seen, "a task read", Number.POSITIVE_INFINITY);
      w.fake.step();
    }
  })();
  try {
    w.fake.addTemplate({ name: "claude-code" });
    await fn(w);
    assert.deepEqual(w.fake.violations, []);
  } finally {
    stopped = true;
    await driver;
    await w.close();
  }
}

describe("waiting for tasks", () => {
  it("creates a task and waits until its agent is idle, reporting progress", () =>
    withWorld(async (w) => {
      const progress: string[] = [];
      const raw = (await w.client.callTool(
        { name: "coder_create_task", arguments: { input: "Fix the login bug", name: "fix-login", wait: true } },
        undefined,
        { onprogress: (p) => progress.push(p.message ?? "") },
      )) as CallToolResult;
      const data = raw.structuredContent as {
        task: { status: string; state: string };
        wait: { outcome: string };
      };
      assert.equal(raw.isError, undefined, JSON.stringify(raw.content));
      assert.equal(data.wait.outcome, "reached");
      assert.equal(data.task.status, "active", "the task as the wait left it");
      assert.equal(data.task.state, "idle");
      assert.ok(progress.length >= 2, progress.join("\n"));
      assert.ok(
        progress.some((m) => m.startsWith("alice/fix-login: initializing")),
        progress.join("\n"),
      );
      const logs = await w.call("coder_get_task_logs", { task_id: "fix-login", type: "output" });
      assert.ok(logs.data.entries.length >= 1, "the agent answered");
    }));

  it("times out as a normal result that says to wait again", () =>
    withWorld(async (w) => {
      w.fake.addTask({ name: "forever", state: { state: "working", message: "Thinking hard" } });
      const r = await w.call("coder_wait_for_task", { task_id: "forever", timeout_seconds: 1 });
      assert.equal(r.isError, false, r.text);
      assert.equal(r.data.wait.outcome, "timed_out");
      assert.match(r.data.wait.note, /call coder_wait_for_task again/);
      // Not before the time-out; and not far past it (the bound is loose: a busy machine delays the last poll).
      assert.ok(
        r.data.wait.waited_seconds >= 0.9 && r.data.wait.waited_seconds < 15,
        String(r.data.wait.waited_seconds),
      );
      assert.equal(r.data.task.message, "Thinking hard");
    }));

  it("stops polling Coder at once when the call is cancelled", () =>
    withWorld(async (w) => {
      w.fake.addTask({ name: "slowpoke", state: { state: "working", message: "…" } });
      const controller = new AbortController();
      const call = w.client.callTool(
        { name: "coder_wait_for_task", arguments: { task_id: "slowpoke", timeout_seconds: 30 } },
        undefined,
        { signal: controller.signal },
      );
      await afterReads(w, 2);
      controller.abort();
      await assert.rejects(call);
      // A second server polling every 50 ms proves that time passed: by its third poll after the count, a wait
      // still polling (every 40 ms at most) would have asked Coder again.
      const witness = await pollingWitness(0.05);
      try {
        await witness.polls(2); // a poll under way at the cancellation has ended
        const atAbort = taskRequests(w.fake).length;
        await witness.polls(3);
        assert.equal(taskRequests(w.fake).length, atAbort, "no request after the cancellation");
      } finally {
        await witness.close();
      }
    }));

  it("resumes a paused task, waits until it is idle, then sends, when resume is true", () =>
    withWorld(async (w) => {
      const task = w.fake.addTask({ name: "napping", status: "paused" });
      const r = await w.call("coder_send_task_input", { task_id: "napping", input: "Carry on", resume: true });
      assert.equal(r.isError, false, r.text);
      assert.equal(r.data.resumed.transition, "start");
      assert.deepEqual(w.fake.sentInputs(task.id), ["Carry on"]);
      const posts = taskRequests(w.fake).filter((p) => p.startsWith("POST"));
      assert.deepEqual(posts, [`POST /api/v2/tasks/me/${task.id}/resume`, `POST /api/v2/tasks/me/${task.id}/send`]);
    }));

  it("sends and waits for the agent's answer", () =>
    withWorld(async (w) => {
      const task = w.fake.addTask({ name: "helper", state: { state: "idle", message: "Ready" } });
      const before = w.fake.getTask(task.id)?.logs.length ?? 0;
      const r = await w.call("coder_send_task_input", { task_id: "helper", input: "What is 2+2?", wait: true });
      assert.equal(r.isError, false, r.text);
      assert.equal(r.data.wait.outcome, "reached");
      assert.equal(r.data.task.state, "idle");
      const logs = w.fake.getTask(task.id)?.logs ?? [];
      assert.equal(logs.length, before + 2, "the input and the agent's reply");
      assert.equal(logs.at(-1)?.type, "output");
    }));

  it("counts an active task that reports no state for a while as idle", () =>
    withWorld(async (w) => {
      w.fake.addTask({ name: "silent", state: null });
      const r = await w.call("coder_wait_for_task", { task_id: "silent" });
      assert.equal(r.data.wait.outcome, "reached");
      assert.match(r.data.wait.note, /no state for a while: taken as idle/);
    }));

  it("tolerates a transient error during start-up", () =>
    withWorld(
      async (w) => {
        const flaky = w.fake.addTask({ name: "flaky", status: "error" });
        // Recovers once the server has seen the error twice; the grace below is far longer than that takes.
        void afterReads(w, 3).then(() =>
          w.fake.setTaskStatus(flaky.id, "active", { state: "idle", message: "Recovered" }),
        );
        const r = await w.call("coder_wait_for_task", { task_id: "flaky" });
        assert.equal(r.data.wait.outcome, "reached");
      },
      { ...FAST_WAIT, errorGraceMs: 60_000 },
    ));

  it("gives up on a lasting error", () =>
    withWorld(async (w) => {
      w.fake.addTask({ name: "broken", status: "error" });
      const broken = await w.call("coder_wait_for_task", { task_id: "broken" });
      assert.equal(broken.data.wait.outcome, "stopped");
      assert.match(broken.data.wait.note, /in error for too long/);
    }));

  it("stops waiting for idle on a paused task, and waits for any change", () =>
    withWorld(async (w) => {
      w.fake.addTask({ name: "stopped", status: "paused" });
      const r = await w.call("coder_wait_for_task", { task_id: "stopped" });
      assert.equal(r.data.wait.outcome, "stopped");
      assert.match(r.data.wait.note, /resume it with coder_resume_task/);
      const t = w.fake.addTask({ name: "changing", state: { state: "working", message: "step 1" } });
      // Changes once the wait has read the task (the lookup and its first poll): a change before would be its start.
      void afterReads(w, 2).then(() => w.fake.setTaskStatus(t.id, "active", { state: "working", message: "step 2" }));
      const change = await w.call("coder_wait_for_task", { task_id: "changing", until: "any_change" });
      assert.equal(change.data.wait.outcome, "reached");
      assert.equal(change.data.task.message, "step 2");
    }));

  it("waits until a pausing task is paused", () =>
    withWorld(async (w) => {
      w.fake.addTask({ name: "to-pause", state: { state: "idle", message: "ok" } });
      const p = await w.call("coder_pause_task", { task_id: "to-pause" });
      assert.equal(p.isError, false, p.text);
      const r = await w.call("coder_wait_for_task", { task_id: "to-pause", until: "paused" });
      assert.equal(r.data.wait.outcome, "reached");
      assert.equal(r.data.task.status, "paused");
    }));
});

describe("waiting after a write", () => {
  let w: World;
  before(async () => {
    // No lifecycle: the task moves only when the test moves it, so what a poll sees is known.
    w = await world();
    w.fake.addTemplate({ name: "claude-code" });
  });
  after(() => w.close());

  it("does not take the idle state reported before a send as the agent's answer", async () => {
    const task = w.fake.addTask({ name: "stale", state: { state: "idle", message: "Ready for more" } });
    const sent = w.fake.waitForRequests((r) => r.method === "POST" && r.path.endsWith("/send"), 1, "the send");
    const call = w.call("coder_send_task_input", { task_id: "stale", input: "What is 2+2?", wait: true });
    await sent;
    // The agent has not reported since the send: two more polls see the same idle state, and the wait goes on.
    const polled = w.fake.waitForRequests(getsOf(task), 2, "two polls after the send");
    const first = await Promise.race([call.then(() => "the call returned"), polled.then(() => "polled")]);
    assert.equal(first, "polled", "the idle state from before the send was taken as the answer");
    w.fake.setTaskStatus(task.id, "active", { state: "idle", message: "The answer is 4" });
    const r = await call;
    assert.equal(r.isError, false, r.text);
    assert.equal(r.data.wait.outcome, "reached", r.data.wait.note);
    assert.equal(r.data.task.message, "The answer is 4");
    assert.deepEqual(w.fake.sentInputs(task.id), ["What is 2+2?"]);
  });

  it("reports a send whose wait failed as sent, so that the model does not send it again", async () => {
    const task = w.fake.addTask({ name: "sent-once", state: { state: "idle", message: "Ready" } });
    // Polls go by ID; the look-up before the send goes by name and is spared.
    w.fake.injectFault(
      { method: "GET", path: new RegExp(`^/api/v2/tasks/me/${task.id}$`) },
      { status: 500, contentType: "application/json", body: '{"message":"Internal error."}' },
    );
    const r = await w.call("coder_send_task_input", { task_id: "sent-once", input: "Run the tests", wait: true });
    assert.equal(r.isError, false, r.text);
    assert.equal(r.data.sent, true);
    assert.equal(r.data.wait.outcome, "stopped");
    assert.match(r.data.wait.note, /^The input was sent, but waiting failed \(.*Internal error.*\)\. Do not repeat it/);
    assert.deepEqual(w.fake.sentInputs(task.id), ["Run the tests"]);
  });

  it("reports a create whose wait failed as created, so that the model does not create it again", async () => {
    w.fake.injectFault(
      { method: "GET", path: /^\/api\/v2\/tasks\/me\/[0-9a-f-]{36}$/ },
      { status: 500, contentType: "application/json", body: '{"message":"Internal error."}' },
    );
    const r = await w.call("coder_create_task", { input: "Write the docs", name: "created-once", wait: true });
    assert.equal(r.isError, false, r.text);
    assert.equal(r.data.task.name, "created-once");
    assert.equal(r.data.wait.outcome, "stopped");
    assert.match(r.data.wait.note, /, but waiting failed \(.*Internal error.*\)\. Do not repeat it/);
    const creates = w.fake.requests.filter((q) => q.method === "POST" && q.path === "/api/v2/tasks/me");
    assert.equal(creates.length, 1);
    assert.ok(w.fake.getTask("created-once"), "the task exists");
  });
});
