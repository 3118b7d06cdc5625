#!/usr/bin/env node
// The bin: flags and environment -> config -> Coder client -> MCP server -> stdio. The only file that touches
// `process`.
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CliError, HELP, parseCli } from "./cli.js";
import { loadConfig } from "./config.js";
import { redactor } from "./redact.js";
import { createCoderClient, createServer } from "./server.js";
import { describeDeployment } from "./startup.js";
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

const config = loadConfig(process.env);
const redact = redactor([config.token]);
const log = (line: string) => process.stderr.write(`${redact(line)}\n`);
const coder = createCoderClient(config, VERSION);
let server: ReturnType<typeof createServer>;
try {
  server = createServer({ config, coder, redact, version: VERSION, tools: cli.tools });
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
  void describeDeployment(coder, config).then((line) => log(`coder-tasks-mcp ${VERSION}: ${line}`));
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
// One failing call must not take the server down: report it and keep serving.
process.on("unhandledRejection", (err) => log(`coder-tasks-mcp: unhandled error: ${describe(err)}`));
process.on("uncaughtException", (err) => log(`coder-tasks-mcp: uncaught error: ${describe(err)}`));

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

await server.connect(new StdioServerTransport());
