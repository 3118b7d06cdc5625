// coder_list_templates: the templates a model can start a task from, with their presets.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type World, world } from "./harness.js";

describe("coder_list_templates", () => {
  let w: World;
  before(async () => {
    w = await world();
    w.fake.addTemplate({
      name: "claude-code",
      displayName: "Claude Code",
      presets: [
        { name: "Small", default: true, description: "2 cores", parameters: [{ name: "cpu", value: "2" }] },
        { name: "Large", parameters: [{ name: "cpu", value: "8" }] },
      ],
    });
    w.fake.addTemplate({ name: "plain-vm", aiTask: false });
    w.fake.addTemplate({ name: "codex" });
  });
  after(() => w.close());

  it("lists only templates that can run AI tasks, with active versions and presets", async () => {
    const r = await w.call("coder_list_templates");
    assert.equal(r.isError, false, r.text);
    assert.equal(r.data.count, 2);
    const claude = r.data.templates.find((t: { name: string }) => t.name === "claude-code");
    assert.equal(claude.display_name, "Claude Code");
    assert.match(claude.active_version_id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      claude.presets.map((p: { name: string; default: boolean; parameters: unknown }) => [
        p.name,
        p.default,
        p.parameters,
      ]),
      [
        ["Small", true, [{ name: "cpu", value: "2" }]],
        ["Large", false, [{ name: "cpu", value: "8" }]],
      ],
    );
    assert.equal(claude.presets[0].description, "2 cores");
    const codex = r.data.templates.find((t: { name: string }) => t.name === "codex");
    assert.deepEqual(codex.presets, []);
    assert.equal(w.fake.requests.find((q) => q.path === "/api/v2/templates")?.query.q, "has-ai-task:true");
    assert.deepEqual(w.fake.violations, []);
  });

  it("passes the organization filter as a quoted search term", async () => {
    const r = await w.call("coder_list_templates", { organization: "nowhere" });
    assert.equal(r.isError, true);
    assert.match(r.text, /Invalid template search query/);
    assert.equal(w.fake.requests.at(-1)?.query.q, 'has-ai-task:true organization:"nowhere"');
  });
});
