// The public surface: every tool fully described, its annotations true to what it does, and tools/list snapshotted
// so that any change to a name, schema or description is a reviewed diff.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { type Connected, connect } from "./harness.js";

const SNAPSHOT = new URL("./snapshots/tools-list.json", import.meta.url);

const READ_ONLY = new Set([
  "coder_list_tasks",
  "coder_get_task",
  "coder_list_templates",
  "coder_wait_for_task",
  "coder_get_task_logs",
]);
const DESTRUCTIVE = new Set(["coder_delete_task"]);

describe("tool definitions", () => {
  let c: Connected;
  let tools: Tool[];
  before(async () => {
    c = await connect({});
    tools = (await c.client.listTools()).tools;
  });
  after(() => c.close());

  it("gives every tool a title, a description for a model, schemas and all four annotations", () => {
    for (const tool of tools) {
      assert.ok(tool.title, `${tool.name}: title`);
      assert.ok((tool.description ?? "").length >= 120, `${tool.name}: description too short to guide a model`);
      assert.equal(tool.inputSchema.type, "object");
      assert.equal(tool.inputSchema.additionalProperties, false, `${tool.name}: strict input`);
      assert.equal(tool.outputSchema?.type, "object", `${tool.name}: output schema`);
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        assert.ok((schema as { description?: string }).description, `${tool.name}.${field}: description`);
      }
      const a = tool.annotations ?? {};
      for (const hint of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const) {
        assert.equal(typeof a[hint], "boolean", `${tool.name}: ${hint}`);
      }
      assert.equal(a.readOnlyHint, READ_ONLY.has(tool.name), `${tool.name}: readOnlyHint`);
      assert.equal(a.destructiveHint, DESTRUCTIVE.has(tool.name), `${tool.name}: destructiveHint`);
    }
  });

  it("matches the reviewed snapshot of tools/list (UPDATE_SNAPSHOTS=1 to accept a change)", () => {
    const current = `${JSON.stringify(tools, null, 2)}\n`;
    if (process.env.UPDATE_SNAPSHOTS === "1") writeFileSync(SNAPSHOT, current);
    assert.equal(current, readFileSync(SNAPSHOT, "utf8"));
  });
});
