#!/usr/bin/env node
// The bin: settings (flags, environment, login files) -> the --demo deployment, if asked -> Coder client -> MCP over
// stdio or HTTP (src/run/). The only file that reads process.argv and process.env.
import { CliError, HELP } from "./cli.js";
import type { Config } from "./config.js";
import { capText, cleanLine } from "./format/untrusted.js";
import { redactor } from "./redact.js";
import { runStdio } from "./run/stdio.js";
import { createCoderClient } from "./server.js";
import { type DemoSettings, loadSettings, type Settings, withFlags } from "./settings.js";
import { TOOLS } from "./tools/index.js";
import { ignoredCoderTools } from "./tools/select.js";
import { VERSION } from "./version.js";

let settings: Settings;
try {
  settings = loadSettings(process.argv.slice(2), process.env);
} catch (err) {
  process.stderr.write(`coder-tasks-mcp: ${err instanceof CliError ? err.message : String(err)}\n`);
  process.exit(2);
}
const { flags } = settings;
if (flags.help || flags.version) {
  // Not a server run: nothing else is on stdout.
  process.stdout.write(`${flags.help ? HELP : VERSION}\n`); // stdout-ok
  process.exit(0);
}

// --demo: a simulated Coder deployment started in this process stands in for the user's. Imported only here, so
// that a normal start does not load it.
const config = settings.demo ? await demoConfig(settings.demo) : settings.config;

const redact = redactor([config.token, settings.httpToken]);
// stderr carries what Coder said too (its version, a user's name, an error): one line each, cleaned, capped and
// redacted, last.
const log = (line: string) => process.stderr.write(`${redact(capText(cleanLine(line), 4000))}\n`);
for (const warning of config.warnings) log(`coder-tasks-mcp: warning: ${warning}`);
// CODER_MCP_ALLOWED_TOOLS is Coder's own variable: names meant for Coder's server are not a reason to stop.
const ignored = ignoredCoderTools(TOOLS, flags.tools);
if (ignored.length > 0) {
  const none = ignored.length === flags.tools.coderAllow?.length;
  log(
    `coder-tasks-mcp: warning: CODER_MCP_ALLOWED_TOOLS names tools this server does not have, ignored: ${ignored.join(", ")}.` +
      (none ? " It names none of this server's tools, so none is served: choose them with --tools." : ""),
  );
}
const coder = createCoderClient(config, VERSION);
const bin = { settings, config, coder, redact, log };

// --http: imported only here, so that stdio's start-up does not load the HTTP transport.
if (flags.http) await (await import("./run/http.js")).runHttp(bin);
else await runStdio(bin);

async function demoConfig(demo: DemoSettings): Promise<Config> {
  const { startDemo } = await import("./demo/index.js");
  const started = await startDemo(demo).catch((err: Error) => {
    process.stderr.write(`coder-tasks-mcp: ${err.message}\n`);
    return process.exit(2);
  });
  return withFlags(started.config, settings.flags);
}
