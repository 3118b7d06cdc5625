// coder_create_task, send/update input, pause, resume and delete, as a client sees them and as Coder receives them.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { taskRequests, type World, world } from "./harness.js";

describe("creating tasks", () => {
  let w: World;
  let claude: ReturnType<World["fake"]["addTemplate"]>;
  before(async () => {
    w = await world();
    claude = w.fake.addTemplate({
      name: "claude-code",
      presets: [
        { name: "Small", default: true },
        { name: "Large", description: "8 cores" },
      ],
    });
  });
  after(() => w.close());

  it("uses the only AI-task template when none is named", async () => {
    w.fake.addTemplate({ name: "plain-vm", aiTask: false });
    const r = await w.call("coder_create_task", { input: "Fix the flaky login test", name: "flaky-login" });
    assert.equal(r.isError, false, r.text);
    assert.equal(r.data.task.name, "flaky-login");
    assert.equal(r.data.task.owner, "alice");
    assert.equal(r.data.task.next, "Starting: call coder_wait_for_task.");
    assert.ok(["pending", "initializing"].includes(r.data.task.status));
    assert.equal(r.data.wait, undefined, "no waiting unless asked");
    const post = w.fake.requests.find((q) => q.method === "POST");
    assert.equal(post?.rawUrl, "/api/v2/tasks/me");
    assert.deepEqual(JSON.parse(post?.body ?? "{}"), {
      input: "Fix the flaky login test",
      template_version_id: claude.activeVersionId,
      name: "flaky-login",
    });
  });

  it("resolves a template name and a preset name to their IDs", async () => {
    const r = await w.call("coder_create_task", {
      input: "Upgrade the dependencies",
      template: "claude-code",
      preset: "large",
      display_name: "Dependency upgrade",
    });
    assert.equal(r.isError, false, r.text);
    assert.equal(r.data.task.display_name, "Dependency upgrade");
    const body = JSON.parse(w.fake.requests.filter((q) => q.method === "POST").at(-1)?.body ?? "{}");
    assert.equal(body.template_version_id, claude.activeVersionId);
    assert.equal(body.template_version_preset_id, claude.presets.find((p) => p.name === "Large")?.id);
    assert.ok(r.data.task.name.length > 0, "Coder generated a name");
  });

  it("lists the choices when the template or preset is unknown or ambiguous", async () => {
    const unknown = await w.call("coder_create_task", { input: "x", template: "nope" });
    assert.equal(unknown.isError, true);
    assert.match(unknown.text, /No template named "nope".*claude-code/);
    const preset = await w.call("coder_create_task", { input: "x", template: "claude-code", preset: "huge" });
    assert.equal(preset.isError, true);
    assert.match(preset.text, /No preset "huge".*"Small", "Large"/);
    w.fake.addTemplate({ name: "codex" });
    const none = await w.call("coder_create_task", { input: "x" });
    assert.equal(none.isError, true);
    assert.match(none.text, /No template given\. Templates that can run AI tasks: .*claude-code.*codex/);
    assert.equal(
      w.fake.requests.filter((q) => q.method === "POST").length,
      2,
      "no task was created by the failed calls",
    );
  });

  it("refuses bad arguments before calling Coder", async () => {
    const before = w.fake.requests.length;
    for (const args of [
      { input: "" },
      { input: "   " },
      { input: "x", name: "Bad Name" },
      { input: "x", name: "new" },
      { input: "x", name: "a".repeat(33) },
      { input: "x", display_name: "d".repeat(65) },
      { input: "x", template_version_id: "not-a-uuid" },
      { input: "x", template: "claude-code", template_version_id: "5f1e2d3c-0000-4000-8000-000000000000" },
      { input: "x", colour: "blue" },
    ]) {
      const r = await w.call("coder_create_task", args);
      assert.equal(r.isError, true, JSON.stringify(args));
      assert.ok(r.text.length > 10, r.text);
    }
    const unknownKey = await w.call("coder_create_task", { input: "x", colour: "blue" });
    assert.match(unknownKey.text, /colour/);
    assert.equal(w.fake.requests.length, before, "nothing was sent to Coder");
  });

  it("passes on Coder's own refusal: a name already taken", async () => {
    const r = await w.call("coder_create_task", { input: "again", template: "claude-code", name: "flaky-login" });
    assert.equal(r.isError, true);
    assert.match(r.text, /409/);
    assert.match(r.text, /Workspace "flaky-login" already exists/);
  });

  it("kept every success body within the Coder API contract", () => {
    assert.deepEqual(w.fake.violations, []);
  });
});

describe("driving tasks", () => {
  let w: World;
  before(async () => {
    w = await world();
    w.fake.addTemplate({ name: "claude-code" });
  });
  after(() => w.close());

  it("sends input to an active task, exactly once", async () => {
    const task = w.fake.addTask({ name: "busy-bee", state: { state: "idle", message: "Waiting" } });
    const r = await w.call("coder_send_task_input", { task_id: "busy-bee", input: "Now add a test" });
    assert.equal(r.isError, false, r.text);
    assert.equal(r.data.sent, true);
    assert.equal(r.data.task.id, task.id);
    assert.deepEqual(w.fake.sentInputs(task.id), ["Now add a test"]);
    assert.deepEqual(taskRequests(w.fake).slice(-2), [
      "GET /api/v2/tasks/me/busy-bee",
      `POST /api/v2/tasks/me/${task.id}/send`,
    ]);
  });

  it("tells the model to resume a paused task before sending, and sends nothing", async () => {
    const task = w.fake.addTask({ name: "sleepy", status: "paused" });
    const r = await w.call("coder_send_task_input", { task_id: "sleepy", input: "hello" });
    assert.equal(r.isError, true);
    assert.match(
      r.text,
      /^Task alice\/sleepy is paused: resume it with coder_resume_task, or call again with resume: true/,
    );
    assert.deepEqual(w.fake.sentInputs(task.id), []);
    assert.equal(taskRequests(w.fake).at(-1), "GET /api/v2/tasks/me/sleepy");
  });

  it("passes on Coder's refusal when the agent is busy", async () => {
    const worker = w.fake.addTask({ name: "worker", state: { state: "working", message: "Compiling" } });
    const r = await w.call("coder_send_task_input", { task_id: "worker", input: "hello" });
    assert.equal(r.isError, true);
    assert.match(r.text, /409 Conflict [\s\S]*\nTask app is not ready to accept input\./);
    assert.match(r.text, /Detail: Status: running/);
    assert.match(r.text, /The input was NOT sent: the agent is busy\. Wait until it is idle with coder_wait_for_task/);
    assert.doesNotMatch(r.text, /may have reached/);
    const sends = w.fake.requests.filter((q) => q.method === "POST" && q.path.includes(worker.id));
    assert.equal(sends.length, 1, "sent once, never retried");
  });

  it("updates the prompt of a paused task, and refuses it on a running one", async () => {
    const paused = w.fake.addTask({ name: "to-edit", status: "paused", prompt: "old" });
    const ok = await w.call("coder_update_task_input", { task_id: "to-edit", input: "new prompt" });
    assert.equal(ok.isError, false, ok.text);
    assert.equal(w.fake.getTask(paused.id)?.prompt ?? w.fake.getTask(paused.id)?.initial_prompt, "new prompt");
    w.fake.addTask({ name: "running" });
    const refused = await w.call("coder_update_task_input", { task_id: "running", input: "x" });
    assert.equal(refused.isError, true);
    assert.match(refused.text, /Unable to update task input, task must be paused/);
    assert.match(refused.text, /coder_pause_task/);
  });

  it("pauses an active task and returns the stop build", async () => {
    const task = w.fake.addTask({ name: "pausable" });
    const r = await w.call("coder_pause_task", { task_id: "pausable" });
    assert.equal(r.isError, false, r.text);
    assert.equal(r.data.build.transition, "stop");
    assert.equal(typeof r.data.build.id, "string");
    assert.equal(r.data.task.id, task.id);
    assert.deepEqual(taskRequests(w.fake).slice(-3), [
      "GET /api/v2/tasks/me/pausable",
      `POST /api/v2/tasks/me/${task.id}/pause`,
      `GET /api/v2/tasks/me/${task.id}`,
    ]);
  });

  it("refuses to pause a paused task without asking Coder to", async () => {
    const r = await w.call("coder_pause_task", { task_id: "pausable" });
    assert.equal(r.isError, true);
    assert.match(r.text, /already paused.*coder_resume_task/);
    assert.equal(taskRequests(w.fake).at(-1), "GET /api/v2/tasks/me/pausable");
  });

  it("resumes a paused task, and refuses one that is not paused", async () => {
    const r = await w.call("coder_resume_task", { task_id: "pausable" });
    assert.equal(r.isError, false, r.text);
    assert.equal(r.data.build.transition, "start");
    const again = await w.call("coder_resume_task", { task_id: "pausable" });
    assert.equal(again.isError, true);
    assert.match(again.text, /has status .*only a paused task can be resumed/);
    assert.equal(taskRequests(w.fake).at(-1), "GET /api/v2/tasks/me/pausable");
    w.fake.addTask({ name: "errored", status: "error" });
    const errored = await w.call("coder_resume_task", { task_id: "errored" });
    assert.match(errored.text, /status error: it cannot be resumed/);
  });

  it("deletes a task, which then is gone", async () => {
    const task = w.fake.addTask({ name: "doomed" });
    const r = await w.call("coder_delete_task", { task_id: `alice/doomed` });
    assert.equal(r.isError, false, r.text);
    assert.equal(r.data.deleted, true);
    assert.equal(r.data.task.id, task.id);
    assert.equal(taskRequests(w.fake).at(-1), `DELETE /api/v2/tasks/me/${task.id}`);
    const gone = await w.call("coder_get_task", { task_id: task.id });
    assert.equal(gone.isError, true);
    assert.match(gone.text, /404/);
  });

  it("kept every success body within the Coder API contract", () => {
    assert.deepEqual(w.fake.violations, []);
  });
});
