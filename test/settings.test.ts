// Flags, environment and the coder CLI's login files are read once, by loadSettings, into one value: what it holds
// in each mode, and refusals that name the flag or variable to fix. The bin is checked to read process.env nowhere
// else.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { CliError } from "../src/cli.js";
import { loadSettings } from "../src/settings.js";

const TOKEN = "abcdefghij-0123456789abcdefghijklmn";
const ENV = { CODER_URL: "https://coder.example.com", CODER_SESSION_TOKEN: TOKEN };

describe("loadSettings", () => {
  it("reads the flags, the deployment and the HTTP token into one value", () => {
    const settings = loadSettings(["--http", "--read-only"], { ...ENV, CODER_TASKS_MCP_HTTP_TOKEN: " bearer-1 " });
    assert.equal(settings.flags.http, true);
    assert.equal(settings.flags.tools.readOnly, true);
    assert.equal(settings.httpToken, "bearer-1");
    assert.equal(settings.config?.coderUrl?.href, "https://coder.example.com/");
    assert.equal(settings.config?.token, TOKEN);
    assert.equal(settings.demo, undefined);
  });

  it("reads the coder CLI's login files when the environment names no deployment", () => {
    const dir = mkdtempSync(join(tmpdir(), "settings-"));
    writeFileSync(join(dir, "url"), "https://coder.example.com\n");
    writeFileSync(join(dir, "session"), `${TOKEN}\n`);
    const { config } = loadSettings([], {}, dir);
    assert.equal(config?.token, TOKEN);
    assert.match(config?.source ?? "", /coder login/);
  });

  it("adds --resource-links to the configuration", () => {
    assert.equal(loadSettings([], ENV).config?.resourceLinks, false);
    assert.equal(loadSettings(["--resource-links"], ENV).config?.resourceLinks, true);
  });

  it("with --demo, reads the demo's settings and none of the user's deployment", () => {
    const env = { ...ENV, CODER_TASKS_MCP_DEMO_STEP_MS: "30", CODER_TASKS_MCP_POLL_SECONDS: "1" };
    const settings = loadSettings(["--demo"], env, "/nonexistent");
    assert.equal(settings.config, undefined);
    assert.equal(settings.demo?.stepMs, 30);
    assert.deepEqual(settings.demo?.tuning, { CODER_TASKS_MCP_DEMO_STEP_MS: "30", CODER_TASKS_MCP_POLL_SECONDS: "1" });
  });

  it("refuses a bad flag or variable by its name", () => {
    const refused: [string[], Record<string, string>, RegExp][] = [
      [["--port", "http"], {}, /^--port must be/],
      [["--bogus"], {}, /--bogus/],
      [["--http"], { CODER_TASKS_MCP_HTTP_MAX_SESSIONS: "many" }, /CODER_TASKS_MCP_HTTP_MAX_SESSIONS/],
      [["--http"], { CODER_TASKS_MCP_HTTP_ALLOWED_ORIGINS: "nope" }, /CODER_TASKS_MCP_HTTP_ALLOWED_ORIGINS/],
      [["--demo"], { CODER_TASKS_MCP_DEMO_STEP_MS: "soon" }, /^CODER_TASKS_MCP_DEMO_STEP_MS must be/],
    ];
    for (const [argv, env, name] of refused) {
      assert.throws(
        () => loadSettings(argv, { ...ENV, ...env }),
        (err) => err instanceof CliError && name.test(err.message),
      );
    }
  });

  it("keeps a bad tuning variable as the configuration's problem, by name, never with the token", () => {
    const { config } = loadSettings([], { ...ENV, CODER_TASKS_MCP_TIMEOUT_SECONDS: "-1" });
    assert.match(config?.problem ?? "", /^CODER_TASKS_MCP_TIMEOUT_SECONDS must be a number/);
    assert.ok(!config?.problem?.includes(TOKEN));
  });

  it("is the only reader of process.env and argv in src/, with the bin that hands them over", () => {
    const src = fileURLToPath(new URL("../src/", import.meta.url));
    const readers = (readdirSync(src, { recursive: true }) as string[])
      .filter((file) => file.endsWith(".ts"))
      .filter((file) => /process\.(env|argv)/.test(readFileSync(join(src, file), "utf8")));
    // The tour is a program of its own: it passes the demo's pace on to the bin it starts.
    assert.deepEqual(readers.sort(), ["demo/tour.ts", "index.ts"]);
  });
});
