#!/usr/bin/env node
// The bin: flags and environment -> config -> Coder client -> MCP server -> stdio. The only file that touches
// `process`.
import { CliError, HELP, parseCli } from "./cli.js";
import { type Config, loadConfig } from "./config.js";
import { capText, cleanLine } from "./format/untrusted.js";
import { redactor } from "./redact.js";
import { createCoderClient, createServer } from "./server.js";
import { describeDeployment } from "./startup.js";
import { TOOLS } from "./tools/index.js";
import { ignoredCoderTools } from "./tools/select.js";
import { StdioTransport } from "./transports/stdio.js";
import { VERSION } from "./version.js";

let cli: ReturnType<typeof parseCli>;
try {
  cli = parseCli(process.argv.slice(2), process.env);
} catch (err) {
  process.stderr.write(`coder-tasks-mcp: ${err instanceof CliError ? err.message : String(err)}\n`);
  process.exit(2);
}
if (cli.help || cli.version) {
  // Not a server run: nothing else is on stdout.
  process.stdout.write(`${cli.help ? HELP : VERSION}\n`); // stdout-ok
  process.exit(0);
}

// --demo: a simulated Coder deployment started in this process stands in for the user's, whose CODER_* settings
// and login files are then not read. Imported only here, so that a normal start does not load it.
let demo: { config: Config } | undefined;
if (cli.demo) {
  const { startDemo } = await import("./demo/index.js");
  demo = await startDemo(process.env).catch((err: Error) => {
    process.stderr.write(`coder-tasks-mcp: ${err.message}\n`);
    return process.exit(2);
  });
}
const loaded = demo?.config ?? loadConfig(process.env);
const config: Config = cli.resourceLinks ? { ...loaded, resourceLinks: true } : loaded;
const redact = redactor([config.token]);
// stderr carries what Coder said too (its version, a user's name, an error): one line each, cleaned, capped and
// redacted, last.
const log = (line: string) => process.stderr.write(`${redact(capText(cleanLine(line), 4000))}\n`);
for (const warning of config.warnings) log(`coder-tasks-mcp: warning: ${warning}`);
// CODER_MCP_ALLOWED_TOOLS is Coder's own variable: names meant for Coder's server are not a reason to stop.
const ignored = ignoredCoderTools(TOOLS, cli.tools);
if (ignored.length > 0) {
  const none = ignored.length === cli.tools.coderAllow?.length;
  log(
    `coder-tasks-mcp: warning: CODER_MCP_ALLOWED_TOOLS names tools this server does not have, ignored: ${ignored.join(", ")}.` +
      (none ? " It names none of this server's tools, so none is served: choose them with --tools." : ""),
  );
}
const coder = createCoderClient(config, VERSION);

// One failing call must not take the server down: report it and keep serving.
process.on("unhandledRejection", (err) => log(`coder-tasks-mcp: unhandled error: ${describe(err)}`));
process.on("uncaughtException", (err) => log(`coder-tasks-mcp: uncaught error: ${describe(err)}`));
function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// --http: MCP over Streamable HTTP instead of stdio. Imported only here, so that stdio's start-up does not load it.
if (cli.http) {
  const { HttpStartError, startHttpServer } = await import("./transports/http.js");
  const http = await startHttpServer({
    config,
    coder,
    version: VERSION,
    tools: cli.tools,
    demo: cli.demo,
    ui: cli.ui,
    host: cli.host,
    port: cli.port,
    bearerToken: process.env.CODER_TASKS_MCP_HTTP_TOKEN,
    ...cli.gateway,
  }).catch((err: Error) => {
    log(`coder-tasks-mcp: ${err.message}`);
    // A refused configuration exits 2, like a bad flag; a port that cannot be bound, 1.
    return process.exit(err instanceof HttpStartError ? 2 : 1);
  });
  const stop = () => {
    void http.close();
    // What does not close quickly must not keep the process alive.
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  // After the handlers: a supervisor that reads this line may signal at once.
  log(`coder-tasks-mcp ${VERSION}: ${demo ? "DEMO: " : ""}${http.description}`);
  // Serve until a signal closes the server; the stdio code below never runs in HTTP mode.
  await http.closed;
  await coder?.close();
  process.exit(0);
}

let server: ReturnType<typeof createServer>;
try {
  server = createServer({ config, coder, redact, version: VERSION, tools: cli.tools, demo: cli.demo, ui: cli.ui });
} catch (err) {
  log(`coder-tasks-mcp: ${(err as Error).message}`);
  process.exit(2);
}

// Who and where, once the client is initialized: never delays `initialize`, and no network before it.
server.server.oninitialized = () => {
  if (!coder) {
    log(`coder-tasks-mcp ${VERSION}: ${config.problem}`);
    return;
  }
  const demoNote = demo ? "DEMO: simulated " : "";
  void describeDeployment(coder, config).then((line) => log(`coder-tasks-mcp ${VERSION}: ${demoNote}${line}`));
};

let closing = false;
function shutdown(code: number): void {
  if (closing) return;
  closing = true;
  // Open sockets and timers must not keep an orphan alive: close what closes quickly, then exit regardless.
  const done = Promise.allSettled([server.close(), coder?.close()]);
  void Promise.race([done, new Promise((r) => setTimeout(r, 50))]).then(() => process.exit(code));
}

// The SDK's stdio transport does not end the process when the client goes away.
process.stdin.on("end", () => shutdown(0));
process.stdin.on("close", () => shutdown(0));
process.stdout.on("error", () => shutdown(0));
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

await server.connect(
  new StdioTransport(process.stdin, process.stdout, (problem) => log(`coder-tasks-mcp: stdin: ${problem}`)),
);
