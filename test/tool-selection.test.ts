// Tool selection: --read-only, --tools / CODER_MCP_ALLOWED_TOOLS and --exclude-tools, from the tools' annotations.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parseCli } from "../src/cli.js";
import { callTool, connect } from "./harness.js";

const BIN = fileURLToPath(new URL("../dist/index.js", import.meta.url));

describe("tool selection", () => {
  it("serves only read-only tools with --read-only, and refuses the others if called anyway", async () => {
    const c = await connect({}, { tools: parseCli(["--read-only"], {}).tools });
    try {
      const { tools } = await c.client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), [
        "coder_get_task",
        "coder_get_task_logs",
        "coder_list_tasks",
        "coder_list_templates",
        "coder_wait_for_task",
      ]);
      assert.ok(tools.every((t) => t.annotations?.readOnlyHint === true));
      const r = await callTool(c.client, "coder_delete_task", { task_id: "x" });
      assert.equal(r.isError, true);
      assert.match(r.text, /coder_delete_task disabled/);
    } finally {
      await c.close();
    }
  });

  it("takes an allow list from --tools or CODER_MCP_ALLOWED_TOOLS, and an exclude list", async () => {
    const fromFlag = parseCli(["--tools", "coder_list_tasks, coder_get_task", "--exclude-tools", "coder_get_task"], {});
    const fromEnv = parseCli([], { CODER_MCP_ALLOWED_TOOLS: "coder_list_tasks,coder_delete_task" });
    for (const [selection, expected] of [
      [fromFlag.tools, ["coder_list_tasks"]],
      [fromEnv.tools, ["coder_delete_task", "coder_list_tasks"]],
    ] as const) {
      const c = await connect({}, { tools: selection });
      try {
        const { tools } = await c.client.listTools();
        assert.deepEqual(tools.map((t) => t.name).sort(), expected);
      } finally {
        await c.close();
      }
    }
  });

  it("refuses an unknown tool name or flag at start, naming what is valid", () => {
    const unknownTool = spawnSync(process.execPath, [BIN, "--tools", "coder_list_taks"], {
      encoding: "utf8",
      input: "",
    });
    assert.equal(unknownTool.status, 2);
    assert.match(unknownTool.stderr, /Unknown tool "coder_list_taks"; the tools are: coder_list_tasks, /);
    assert.equal(unknownTool.stdout, "");
    const unknownFlag = spawnSync(process.execPath, [BIN, "--readonly"], { encoding: "utf8", input: "" });
    assert.equal(unknownFlag.status, 2);
    assert.match(unknownFlag.stderr, /Unknown option '--readonly'.*--help/);
  });

  it("prints its help and version", () => {
    const help = spawnSync(process.execPath, [BIN, "--help"], { encoding: "utf8" });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: coder-tasks-mcp \[options\]/);
    assert.match(help.stdout, /--read-only/);
    const version = spawnSync(process.execPath, [BIN, "--version"], { encoding: "utf8" });
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});
