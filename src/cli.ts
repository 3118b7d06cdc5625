// Command-line flags. Parsing only: the bin decides what to do with them.
import { parseArgs } from "node:util";
import type { Env } from "./config.js";
import type { ToolSelection } from "./tools/select.js";

export interface CliOptions {
  help: boolean;
  version: boolean;
  demo: boolean;
  http: boolean;
  host: string;
  port: number;
  tools: ToolSelection;
}

export class CliError extends Error {
  override readonly name = "CliError";
}

export const HELP = `Usage: coder-tasks-mcp [options]

An MCP server for Coder Tasks. Speaks MCP over stdio unless --http is given.

Options:
  --read-only            Serve only the tools that change nothing (list, get, templates, wait, logs).
  --tools a,b            Serve only these tools (also CODER_MCP_ALLOWED_TOOLS).
  --exclude-tools a,b    Do not serve these tools.
  --demo                 Serve a simulated Coder deployment started in this process (no Coder needed).
  --http                 Serve MCP over Streamable HTTP at /mcp instead of stdio.
  --host HOST            Address for --http (default 127.0.0.1).
  --port PORT            Port for --http (default 3333).
  --help                 Show this help.
  --version              Show the version.

Environment: CODER_URL, CODER_SESSION_TOKEN (or the coder CLI's login), CODER_CONFIG_DIR,
CODER_TASKS_MCP_TIMEOUT_SECONDS, CODER_TASKS_MCP_LOG_MAX_CHARS, CODER_TASKS_MCP_POLL_SECONDS,
CODER_TASKS_MCP_HTTP_TOKEN, CODER_TASKS_MCP_DEMO_STEP_MS (with --demo). See the README.`;

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

export function parseCli(argv: string[], env: Env): CliOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new CliError(`${(err as Error).message}. Run coder-tasks-mcp --help for the options.`);
  }
  const { values } = parsed;
  const port = Number(values.port ?? "3333");
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError(`--port must be a port number from 0 to 65535 (got "${values.port}").`);
  }
  return {
    help: values.help ?? false,
    version: values.version ?? false,
    demo: values.demo ?? false,
    http: values.http ?? false,
    host: values.host ?? "127.0.0.1",
    port,
    tools: {
      readOnly: values["read-only"] ?? false,
      allow: list(values.tools) ?? list(env.CODER_MCP_ALLOWED_TOOLS),
      exclude: list(values["exclude-tools"]) ?? [],
    },
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
      "read-only": { type: "boolean" },
      tools: { type: "string" },
      "exclude-tools": { type: "string" },
      demo: { type: "boolean" },
      http: { type: "boolean" },
      host: { type: "string" },
      port: { type: "string" },
    },
  });
}
