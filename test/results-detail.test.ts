// Results sized for a model: get and create give the facts a model acts on, Coder's internal fields only when asked
// for (detail: "full"), each field once, and the text block is the structured result as compact JSON.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type World, world } from "./harness.js";

const INTERNAL = [
  "organization_id",
  "owner_id",
  "template_id",
  "template_version_id",
  "template_icon",
  "workspace_id",
  "workspace_name",
  "workspace_build_number",
  "workspace_agent_id",
  "workspace_agent_health",
  "workspace_app_id",
  "initial_prompt",
];

/** The JSON inside the untrusted-data fence of a result's text. */
function fencedJson(text: string): string {
  const lines = text.split("\n");
  assert.match(lines[1] ?? "", /^<untrusted-agent-data-[0-9a-f]{8}>$/);
  return lines.slice(2, -1).join("\n");
}

describe("results sized for a model", () => {
  let w: World;
  before(async () => {
    w = await world();
    w.fake.addTemplate({ name: "claude-code" });
    w.fake.addTask({
      name: "fix-login",
      displayName: "Fix the login bug",
      prompt: "Fix the flaky login test",
      state: { state: "idle", message: "Done: tests pass" },
    });
  });
  after(() => w.close());

  it("gets a task without internal IDs, with what to do next, as compact JSON said once", async () => {
    const r = await w.call("coder_get_task", { task_id: "fix-login" });
    assert.equal(r.isError, false, r.text);
    for (const key of INTERNAL) assert.equal(key in r.data, false, `${key} is left out`);
    assert.deepEqual([r.data.owner, r.data.name, r.data.display_name], ["alice", "fix-login", "Fix the login bug"]);
    assert.deepEqual([r.data.status, r.data.state, r.data.message], ["active", "idle", "Done: tests pass"]);
    assert.match(r.data.next, /coder_get_task_logs/);
    const json = fencedJson(r.text);
    assert.equal(json, JSON.stringify(r.data), "the text is the structured result, compact");
    assert.equal(r.text.split('"id"').length, 2, "each field once");
  });

  it('gives Coder\'s internal fields with detail: "full", still each once', async () => {
    const r = await w.call("coder_get_task", { task_id: "fix-login", detail: "full" });
    assert.equal(r.isError, false, r.text);
    for (const key of INTERNAL) assert.ok(key in r.data, `${key} is given`);
    assert.equal(r.data.initial_prompt, "Fix the flaky login test");
    assert.equal(typeof r.data.state_at, "string");
    for (const key of ["owner_name", "current_state", "template_display_name"]) {
      assert.equal(key in r.data, false, `${key} is shown once, under the summary's name`);
    }
    assert.equal(fencedJson(r.text), JSON.stringify(r.data));
  });

  it("creates a task and answers with the same compact view, or the full one when asked", async () => {
    const compact = await w.call("coder_create_task", { input: "Add a health check", name: "health" });
    assert.equal(compact.isError, false, compact.text);
    for (const key of INTERNAL) assert.equal(key in compact.data.task, false, `${key} is left out`);
    assert.equal(compact.data.task.name, "health");
    assert.match(compact.data.task.next, /coder_wait_for_task/);
    const full = await w.call("coder_create_task", { input: "Add metrics", name: "metrics", detail: "full" });
    assert.equal(full.data.task.initial_prompt, "Add metrics");
    assert.ok(full.data.task.workspace_id);
  });

  it("refuses a detail it does not know, naming the choices", async () => {
    const r = await w.call("coder_get_task", { task_id: "fix-login", detail: "everything" });
    assert.equal(r.isError, true);
    assert.match(r.text, /detail/);
    assert.match(r.text, /compact|full/);
  });
});
