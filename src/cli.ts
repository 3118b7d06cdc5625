// Command-line flags. Parsing only: the bin decides what to do with them.
import { parseArgs } from "node:util";
import { SUPPORTED_VERSIONS } from "./coder/versions.js";
import type { Env } from "./config.js";
import type { ToolSelection } from "./tools/select.js";
import { parseOrigins } from "./transports/http-guard.js";

export interface CliOptions {
  help: boolean;
  version: boolean;
  demo: boolean;
  http: boolean;
  host: string;
  port: number;
  tools: ToolSelection;
  resourceLinks: boolean;
  /** Offer the task board to clients that render MCP Apps views. */
  ui: boolean;
  /** --http as a team gateway: its bounds and the balancer in front of it. */
  gateway: GatewayOptions;
}

export interface GatewayOptions {
  stateless: boolean;
  maxSessions: number;
  idleTimeoutMs: number;
  allowedHosts: string[];
  allowedOrigins: Set<string>;
  route?: string;
}

export class CliError extends Error {
  override readonly name = "CliError";
}

export const HELP = `Usage: coder-tasks-mcp [options]

An MCP server for Coder Tasks. Speaks MCP over stdio unless --http is given.
Supports ${SUPPORTED_VERSIONS}.

Options:
  --read-only            Serve only the tools that change nothing (list, get, templates, wait, logs).
  --tools a,b            Serve only these tools. Without it, CODER_MCP_ALLOWED_TOOLS (Coder's own variable)
                         selects them: Coder's former task tool names select ours, other names are ignored.
  --exclude-tools a,b    Do not serve these tools.
  --resource-links       Add resource_link content to tool results (also CODER_TASKS_MCP_RESOURCE_LINKS=1);
                         the resource URIs are in the structured result either way.
  --no-ui                Do not offer the task board view (also CODER_TASKS_MCP_UI=0).
  --demo                 Serve a simulated Coder deployment started in this process (no Coder needed).
  --http                 Serve MCP over Streamable HTTP at /mcp instead of stdio.
  --host HOST            Address for --http (default 127.0.0.1).
  --port PORT            Port for --http (default 3333).
  --stateless            With --http: no MCP sessions, every request stands alone (replicas behind a balancer;
                         no subscriptions, elicitation or list-changed notifications).
  --max-sessions N       With --http: sessions kept at most (default 300; CODER_TASKS_MCP_HTTP_MAX_SESSIONS).
  --idle-timeout SECONDS With --http: close a session idle this long (default 1800;
                         CODER_TASKS_MCP_HTTP_IDLE_SECONDS).
  --allowed-hosts a,b    With --http: Host header values taken besides the bound address, e.g. the balancer's
                         name (CODER_TASKS_MCP_HTTP_ALLOWED_HOSTS).
  --allowed-origins a,b  With --http: origins of web clients taken (CODER_TASKS_MCP_HTTP_ALLOWED_ORIGINS).
  --route NAME           With --http: session IDs start with NAME. for a balancer's session affinity
                         (CODER_TASKS_MCP_HTTP_ROUTE).
  --help                 Show this help.
  --version              Show the version.

Environment: CODER_URL, CODER_SESSION_TOKEN (or the coder CLI's login), CODER_CONFIG_DIR,
CODER_TASKS_MCP_TIMEOUT_SECONDS, CODER_TASKS_MCP_LOG_MAX_CHARS, CODER_TASKS_MCP_POLL_SECONDS,
CODER_TASKS_MCP_RESOURCE_LINKS, CODER_TASKS_MCP_UI, CODER_TASKS_MCP_HTTP_TOKEN and the CODER_TASKS_MCP_HTTP_*
above. See the README.`;

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
      allow: list(values.tools),
      // Coder's own variable, read leniently; --tools, this server's own flag, wins and stays strict.
      coderAllow: values.tools === undefined ? list(env.CODER_MCP_ALLOWED_TOOLS) : undefined,
      exclude: list(values["exclude-tools"]) ?? [],
    },
    resourceLinks: values["resource-links"] ?? false,
    ui:
      !(values["no-ui"] ?? false) &&
      !["0", "false", "off", "no"].includes(env.CODER_TASKS_MCP_UI?.trim().toLowerCase() ?? ""),
    gateway: gateway(values, env),
  };
}

function gateway(values: ReturnType<typeof parse>["values"], env: Env): GatewayOptions {
  const count = (flag: string, variable: string, raw: string | undefined, fallback: number, min: number) => {
    if (raw === undefined || raw.trim() === "") return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > 1_000_000) {
      throw new CliError(`${flag} (or ${variable}) must be a number from ${min} to 1000000 (got "${raw}").`);
    }
    return value;
  };
  const origins = parseOrigins(list(values["allowed-origins"] ?? env.CODER_TASKS_MCP_HTTP_ALLOWED_ORIGINS) ?? []);
  if (typeof origins === "string") {
    throw new CliError(
      `--allowed-origins (or CODER_TASKS_MCP_HTTP_ALLOWED_ORIGINS) takes origins such as https://mcp.example.com (got "${origins}").`,
    );
  }
  const route = values.route ?? env.CODER_TASKS_MCP_HTTP_ROUTE?.trim();
  if (route && !/^[A-Za-z0-9_-]{1,32}$/.test(route)) {
    throw new CliError(`--route (or CODER_TASKS_MCP_HTTP_ROUTE) takes letters, digits, _ and - (got "${route}").`);
  }
  const httpOnly = ["stateless", "max-sessions", "idle-timeout", "allowed-hosts", "allowed-origins", "route"] as const;
  const stray = httpOnly.find((name) => values[name] !== undefined);
  if (stray && !values.http) throw new CliError(`--${stray} applies to --http only: add --http, or drop it.`);
  const maxSessions = values["max-sessions"] ?? env.CODER_TASKS_MCP_HTTP_MAX_SESSIONS;
  const idle = values["idle-timeout"] ?? env.CODER_TASKS_MCP_HTTP_IDLE_SECONDS;
  return {
    stateless: values.stateless ?? false,
    maxSessions: Math.floor(count("--max-sessions", "CODER_TASKS_MCP_HTTP_MAX_SESSIONS", maxSessions, 300, 1)),
    idleTimeoutMs: count("--idle-timeout", "CODER_TASKS_MCP_HTTP_IDLE_SECONDS", idle, 1800, 1) * 1000,
    allowedHosts: list(values["allowed-hosts"] ?? env.CODER_TASKS_MCP_HTTP_ALLOWED_HOSTS) ?? [],
    allowedOrigins: origins,
    route: route || undefined,
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
      "resource-links": { type: "boolean" },
      "no-ui": { type: "boolean" },
      demo: { type: "boolean" },
      http: { type: "boolean" },
      host: { type: "string" },
      port: { type: "string" },
      stateless: { type: "boolean" },
      "max-sessions": { type: "string" },
      "idle-timeout": { type: "string" },
      "allowed-hosts": { type: "string" },
      "allowed-origins": { type: "string" },
      route: { type: "string" },
    },
  });
}
