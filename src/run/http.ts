// MCP over Streamable HTTP (--http) until a signal. An uncaught exception closes the session whose request caused
// it (src/transports/scope.ts) and the others go on; one that belongs to no session ends the process with one line
// on stderr and exit code 1, rather than keep serving in a state nobody knows.
import { HttpStartError, startHttpServer } from "../transports/http.js";
import { sessionScope } from "../transports/scope.js";
import { VERSION } from "../version.js";
import { type Bin, describe, exitAfter, onUncaught } from "./bin.js";

export async function runHttp({ settings, config, coder, log }: Bin): Promise<void> {
  const { flags } = settings;
  const http = await startHttpServer({
    config,
    coder,
    version: VERSION,
    tools: flags.tools,
    demo: flags.demo,
    ui: flags.ui,
    host: flags.host,
    port: flags.port,
    bearerToken: settings.httpToken,
    ...flags.gateway,
  }).catch((err: Error) => {
    log(`coder-tasks-mcp: ${err.message}`);
    // A refused configuration exits 2, like a bad flag; a port that cannot be bound, 1.
    return process.exit(err instanceof HttpStartError ? 2 : 1);
  });
  // What does not close within a second must not keep the process alive.
  const stop = (code: number) =>
    exitAfter(
      http.close().then(() => coder?.close()),
      code,
      1000,
    );
  onUncaught((err, what) => {
    const session = sessionScope.getStore();
    if (session) {
      log(`coder-tasks-mcp: ${what} in ${session.label}, closing it: ${describe(err)}`);
      return session.close();
    }
    log(`coder-tasks-mcp: ${what} outside any session, exiting: ${describe(err)}`);
    stop(1);
  });
  process.on("SIGINT", () => stop(0));
  process.on("SIGTERM", () => stop(0));
  // After the handlers: a supervisor that reads this line may signal at once.
  log(`coder-tasks-mcp ${VERSION}: ${settings.flags.demo ? "DEMO: " : ""}${http.description}`);
}
