// MCP over stdio: one server on stdin/stdout until the client leaves or a signal comes. An uncaught exception ends
// the process with one line on stderr and exit code 1: the server's state is then unknown, and the client that
// spawned it can start a fresh one.
import { createServer, type ServerHandle } from "../server.js";
import { describeDeployment } from "../startup.js";
import { StdioTransport } from "../transports/stdio.js";
import { VERSION } from "../version.js";
import { type Bin, describe, exitAfter, onUncaught } from "./bin.js";

export async function runStdio({ settings, config, coder, redact, log }: Bin): Promise<void> {
  const { flags } = settings;
  let server: ServerHandle;
  try {
    server = createServer({
      config,
      coder,
      redact,
      version: VERSION,
      tools: flags.tools,
      demo: flags.demo,
      ui: flags.ui,
      // Who and where, once the client is initialized: never delays `initialize`, and no network before it.
      onInitialized: () => {
        if (!coder) return log(`coder-tasks-mcp ${VERSION}: ${config.problem}`);
        const demoNote = flags.demo ? "DEMO: simulated " : "";
        void describeDeployment(coder, config).then((line) => {
          // Closing cuts its requests short: that is no news about the deployment.
          if (!closing) log(`coder-tasks-mcp ${VERSION}: ${demoNote}${line}`);
        });
      },
    });
  } catch (err) {
    log(`coder-tasks-mcp: ${describe(err)}`);
    process.exit(2);
  }

  let closing = false;
  const shutdown = (code: number) => {
    if (closing) return;
    closing = true;
    exitAfter(Promise.allSettled([server.close(), coder?.close()]), code, 50);
  };
  onUncaught((err, what) => {
    log(`coder-tasks-mcp: ${what}, exiting: ${describe(err)}`);
    shutdown(1);
  });
  // The process ends when the client goes away: stdin's end is the sign.
  process.stdin.on("end", () => shutdown(0));
  process.stdin.on("close", () => shutdown(0));
  process.stdout.on("error", () => shutdown(0));
  process.on("SIGINT", () => shutdown(0));
  process.on("SIGTERM", () => shutdown(0));

  // Our own transport: an oversized or broken line is answered or reported, and serving goes on.
  await server.connect(
    new StdioTransport(process.stdin, process.stdout, (problem) => log(`coder-tasks-mcp: stdin: ${problem}`)),
  );
}
