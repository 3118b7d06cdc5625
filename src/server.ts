// createServer(): the McpServer with its tools, resources, prompts, logging and instructions, as the inventory
// decides from the tool selection, and its clean-up. No I/O, no globals: src/run/ wires a transport to it.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { CoderClient, type LogLevel } from "./coder/client.js";
import { NotConfiguredError } from "./coder/errors.js";
import { DEFAULT_WAIT_TIMING, type WaitTiming } from "./coder/wait.js";
import type { Config } from "./config.js";
import { capText, cleanLine } from "./format/untrusted.js";
import { buildInventory } from "./inventory.js";
import { registerPrompts } from "./prompts/index.js";
import type { Redact } from "./redact.js";
import { registerResources } from "./resources/index.js";
import { registerBoard } from "./resources/ui-board.js";
import { registerTools } from "./tools/define.js";
import { TOOLS } from "./tools/index.js";
import { ALL_TOOLS, type ToolSelection } from "./tools/select.js";
import { withoutErrorPrefix } from "./transports/error-prefix.js";
import { guardTransport } from "./transports/outbound.js";

/** A log message carries at most this much (it may quote Coder). */
const LOG_MAX_CHARS = 4000;

// A demo must not pass for a real deployment: its name, title and instructions say what it is.
const DEMO_NOTE =
  "DEMO: a simulated Coder deployment, not a real one. Its users, templates and tasks are made up, its agents answer with canned replies, and nothing runs in a real workspace.";

export interface ServerDeps {
  config: Config;
  /** The client, absent when the configuration has a problem. */
  coder?: CoderClient;
  redact: Redact;
  version: string;
  /** Polling pace of the waiting tools (tests make it fast). */
  waitTiming?: WaitTiming;
  /** Which tools to serve, and so which prompts, resources and instructions; all when absent. */
  tools?: ToolSelection;
  /** Serving the simulated deployment of --demo. */
  demo?: boolean;
  /** Offer the task board (MCP Apps) to clients that render it; false (--no-ui) serves exactly as without it. */
  ui?: boolean;
  /** Called once the client has sent `initialized` (the stdio bin's start-up line). */
  onInitialized?: () => void;
}

/** A server and what it holds: its subscriptions' polling and its listener on the Coder client's log. */
export interface ServerHandle {
  readonly server: McpServer;
  /** Serves over `transport`; when the transport ends (the client left), the server closes as by close(). */
  connect(transport: Transport): Promise<void>;
  /** Stops the subscriptions' polling and the log listener, and closes the transport. Idempotent. */
  close(): Promise<void>;
}

export function createServer(deps: ServerDeps): ServerHandle {
  const inventory = buildInventory(TOOLS, deps.tools ?? ALL_TOOLS);
  const instructions = deps.demo ? `${DEMO_NOTE}\n${inventory.instructions}` : inventory.instructions;
  const server = new McpServer(
    deps.demo
      ? { name: "coder-tasks-mcp-demo", title: "Coder Tasks (demo)", version: deps.version }
      : { name: "coder-tasks-mcp", title: "Coder Tasks", version: deps.version },
    { instructions, capabilities: { logging: {} } },
  );
  const coder = () => {
    if (!deps.coder) throw new NotConfiguredError(deps.config.problem ?? "No Coder deployment is configured.");
    return deps.coder;
  };
  // Fallbacks, slow answers and failing polls reach the client as MCP log messages, at the level it set. The
  // transport's guard cleans and redacts them, as every other message.
  const log = (level: LogLevel, message: string) => {
    if (!server.isConnected()) return;
    // The client may have left between the check and the send.
    server.server
      .sendLoggingMessage({ level, logger: "coder", data: capText(cleanLine(message), LOG_MAX_CHARS) })
      .catch(() => {});
  };
  // Every message leaves through the guard; every message that arrives is handled with this server's log as the
  // Coder client's sink, so that a shared client's retries reach only the session whose request caused them.
  const connect = server.connect.bind(server);
  // The guard sends last (it redacts the final message); the error prefix is taken off before it.
  server.connect = (transport) =>
    connect(
      withoutErrorPrefix(
        guardTransport(transport, deps.redact, deps.coder ? (work) => deps.coder?.withLog(log, work) : undefined),
      ),
    );

  const ui = deps.ui !== false;
  const tools = ui ? TOOLS : TOOLS.map(({ _meta, ...tool }) => tool);
  registerTools(server, tools, inventory.tools, {
    coder,
    settings: {
      logMaxChars: deps.config.logMaxChars,
      waitTiming: deps.waitTiming,
      resourceLinks: deps.config.resourceLinks,
    },
  });
  const stopSubscriptions = registerResources(server, {
    coder,
    logMaxChars: deps.config.logMaxChars,
    pollIntervalMs: deps.config.pollIntervalMs,
    warn: (message) => log("warning", message),
    serves: inventory.serves,
  });
  registerPrompts(server, { coder, logMaxChars: deps.config.logMaxChars, serves: inventory.serves });
  // The board opens from the results of these two tools: without them, nothing would show it.
  if (ui && (inventory.serves("coder_list_tasks") || inventory.serves("coder_get_task"))) {
    const timing = deps.waitTiming ?? DEFAULT_WAIT_TIMING;
    registerBoard(server, {
      enabledTools: inventory.tools,
      pollMs: { first: timing.firstPollMs, max: timing.maxPollMs },
    });
  }
  if (deps.onInitialized) server.server.oninitialized = deps.onInitialized;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      stopSubscriptions();
      await server.close();
    })();
    return closing;
  };
  return {
    server,
    async connect(transport) {
      await server.connect(transport);
      server.server.onclose = () => void close();
    },
    close,
  };
}

/** The client for a configuration, or undefined when it has a problem. */
export function createCoderClient(config: Config, version: string): CoderClient | undefined {
  if (config.problem || !config.coderUrl || !config.token) return undefined;
  return new CoderClient({
    baseUrl: config.coderUrl,
    token: config.token,
    timeoutMs: config.timeoutMs,
    maxBodyBytes: config.maxBodyBytes,
    userAgent: `coder-tasks-mcp/${version}`,
  });
}
