// What the README says about the bin, checked against the bin: its flags and variables, its messages, its demo's
// first stderr line, and the client entry in mcp.json.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { HELP } from "../src/cli.js";
import { BIN, DEMO_ENV, startHttpDemo, stop } from "./demo-process.js";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const run = promisify(execFile);

/** The rows of the Markdown table that follows `heading`, as cells. */
function table(heading: string): string[][] {
  const section = README.slice(README.indexOf(heading));
  const lines = section.split("\n").filter((l) => l.startsWith("|"));
  const rows: string[][] = [];
  for (const line of section.split("\n").slice(1)) {
    if (!line.startsWith("|")) {
      if (rows.length > 0) break;
      continue;
    }
    if (/^\|[-| ]+\|$/.test(line)) continue;
    rows.push(
      line
        .split("|")
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  assert.ok(lines.length > 0 && rows.length > 1, `a table after ${heading}`);
  return rows.slice(1);
}

describe("the README and the bin", () => {
  it("--help names every variable of the Configuration table, and the README every flag of --help", () => {
    const variables = table("## Configuration").map((row) => /`([A-Z_]+)`/.exec(row[0] ?? "")?.[1]);
    assert.ok(variables.includes("CODER_TASKS_MCP_DEMO_STEP_MS"));
    for (const name of variables) assert.ok(name && HELP.includes(name), `${name} in --help`);
    for (const [, flag] of HELP.matchAll(/^ {2}(--[a-z-]+)/gm)) {
      assert.ok(README.includes(`\`${flag}`), `${flag} in the README`);
    }
  });

  it("quotes the unknown-flag and unknown-tool messages as the bin prints them", async () => {
    for (const [args, quoted] of [
      [["--x"], "Unknown option '--x'. Run coder-tasks-mcp --help for the options."],
      [["--tools", "x"], 'Unknown tool "x"; the tools are: '],
    ] as const) {
      const failed = await run(process.execPath, [BIN, ...args], { env: DEMO_ENV }).then(
        () => assert.fail(`${args.join(" ")} started`),
        (err: { code: number; stderr: string }) => err,
      );
      assert.equal(failed.code, 2);
      assert.ok(failed.stderr.includes(quoted), failed.stderr);
      assert.ok(README.replace(/\n/g, " ").includes(quoted.replace(/: $/, ": …")), `README quotes: ${quoted}`);
    }
  });

  it("has no situation twice in the errors table", () => {
    const situations = table("## Errors you may see").map((row) => row[0]);
    assert.deepEqual(
      situations.filter((s, i) => situations.indexOf(s) !== i),
      [],
    );
  });

  it("the demo's first stderr line says DEMO over --http too", async () => {
    const server = await startHttpDemo();
    try {
      assert.match(
        server.stderr(),
        /^coder-tasks-mcp \S+: DEMO: serving MCP over HTTP at http:\/\/127\.0\.0\.1:\d+\/mcp /,
      );
    } finally {
      await stop(server.child);
    }
  });

  it("mcp.json runs the clone's dist/index.js with node, not a registry package", () => {
    const { mcpServers } = JSON.parse(readFileSync(new URL("../mcp.json", import.meta.url), "utf8")) as {
      mcpServers: Record<string, { command: string; args: string[] }>;
    };
    const entry = mcpServers["coder-tasks"];
    assert.equal(entry?.command, "node");
    assert.match(entry?.args[0] ?? "", /^\/.*\/dist\/index\.js$/);
  });
});
