// MCP over Streamable HTTP at /mcp: one McpServer per session, each on its own transport, built as the stdio bin
// builds its one server; or, with `stateless`, servers that answer any request alone. Loaded by the bin only with
// --http. No `process` here: src/run/http.ts owns signals and exit codes.
import { randomUUID } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { CoderClient } from "../coder/client.js";
import type { Config } from "../config.js";
import { redactor } from "../redact.js";
import { createCoderClient, createServer, type ServerDeps, type ServerHandle } from "../server.js";
import { TOOLS } from "../tools/index.js";
import { ALL_TOOLS, selectTools } from "../tools/select.js";
import {
  allowedHostHeaders,
  bearerMatches,
  DEFAULT_MAX_BODY_BYTES,
  isLoopbackHost,
  readJsonBody,
  rebindingProblem,
  urlHost,
} from "./http-guard.js";
import { header, pathOf, reply } from "./http-reply.js";
import { SessionRouter } from "./session-router.js";
import { StatelessServers } from "./stateless.js";

export const MCP_PATH = "/mcp";
export const HEALTH_PATH = "/healthz";
export const DEFAULT_MAX_SESSIONS = 300;
export const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60_000;
const UNUSED_TIMEOUT_MS = 60_000;
/** SSE comments on open streams this often, under the 60 s read time-out of common proxies. */
const KEEP_ALIVE_MS = 15_000;

export interface HttpServerOptions extends Omit<ServerDeps, "redact"> {
  /** Address to bind; default 127.0.0.1. Anything off loopback requires `bearerToken`. */
  host?: string;
  /** Port to bind; 0 picks a free one (the real one is in `url`). Default 3333. */
  port?: number;
  /** CODER_TASKS_MCP_HTTP_TOKEN: when set, every request must carry `Authorization: Bearer <token>`. */
  bearerToken?: string;
  /** Largest POST body accepted; default 4 MiB. */
  maxBodyBytes?: number;
  /** Sessions kept at most; default 300. */
  maxSessions?: number;
  /**
   * A session with no request in progress (an open GET stream counts) for this long is closed, so that clients that
   * vanish without DELETE do not keep their sessions, and their polling of Coder, forever. Default 30 minutes.
   */
  idleTimeoutMs?: number;
  /** A session that sends nothing after initialize is closed after this long. Default one minute. */
  unusedTimeoutMs?: number;
  /** No sessions: every POST stands alone (for replicas behind a load balancer). */
  stateless?: boolean;
  /** Host header values taken besides the bound address and localhost: the balancer's name. */
  allowedHosts?: string[];
  /** Origins of web clients taken besides the server's own (normalized, as parseOrigins gives them). */
  allowedOrigins?: Set<string>;
  /** Prefix of session IDs (`<route>.<uuid>`), for a balancer that routes sessions by it. */
  route?: string;
}

export interface HttpServer {
  /** Where MCP is served, with the real port: `http://127.0.0.1:3333/mcp`. */
  readonly url: string;
  /** What the start-up line says after the version: address, authentication, deployment. No secret. */
  readonly description: string;
  /** Sessions open now (initialized or being initialized); 0 in stateless mode. */
  sessionCount(): number;
  /** Stops listening, closes every session (and its own Coder client) and every connection. Idempotent. */
  close(): Promise<void>;
  /** Settles once the server has stopped listening and its last connection is closed. */
  readonly closed: Promise<void>;
}

/** A start-up refused for its configuration: a non-loopback host without a token, a bad tool selection. */
export class HttpStartError extends Error {
  override readonly name = "HttpStartError";
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const host = options.host ?? "127.0.0.1";
  const bearerToken = options.bearerToken?.trim() || undefined;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!isLoopbackHost(host) && !bearerToken) {
    throw new HttpStartError(
      `refusing to serve MCP over HTTP on ${host}, which is not a loopback address, without a bearer token: set ` +
        "CODER_TASKS_MCP_HTTP_TOKEN (every client then sends Authorization: Bearer <token>), or bind 127.0.0.1.",
    );
  }
  const deps: ServerDeps = {
    config: options.config,
    coder: options.coder,
    version: options.version,
    waitTiming: options.waitTiming,
    tools: options.tools,
    demo: options.demo,
    ui: options.ui,
    redact: (t) => t,
  };
  try {
    // A bad tool selection fails here, as it does over stdio, rather than at the first session.
    selectTools(TOOLS, options.tools ?? ALL_TOOLS);
  } catch (err) {
    throw new HttpStartError((err as Error).message);
  }
  const build = {
    server: (coder: CoderClient | undefined, coderToken: string | undefined): ServerHandle =>
      createServer({ ...deps, coder, redact: redactor([options.config.token, coderToken, bearerToken]) }),
    coder: (coderToken: string) => createCoderClient(clientConfig(options.config, coderToken), options.version),
    shared: options.coder,
  };
  const router = options.stateless
    ? undefined
    : new SessionRouter(build, {
        maxSessions: options.maxSessions ?? DEFAULT_MAX_SESSIONS,
        idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
        unusedTimeoutMs: options.unusedTimeoutMs ?? UNUSED_TIMEOUT_MS,
        newId: options.route ? () => `${options.route}.${randomUUID()}` : randomUUID,
      });
  const stateless = options.stateless ? new StatelessServers(build) : undefined;
  let allowedHosts: Set<string> | undefined;
  let closing: Promise<void> | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = pathOf(req);
    // For the balancer's checks: no Coder call, nothing secret, before the guards (a probe sends its own Host).
    if (path === HEALTH_PATH && (req.method === "GET" || req.method === "HEAD")) return health(res, !closing);
    const refused = rebindingProblem(req.headers, allowedHosts, options.allowedOrigins);
    if (refused) return reply(req, res, 403, -32000, refused);
    if (bearerToken && !bearerMatches(req.headers.authorization, bearerToken)) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="coder-tasks-mcp"');
      return reply(req, res, 401, -32001, "Unauthorized: send Authorization: Bearer <CODER_TASKS_MCP_HTTP_TOKEN>.");
    }
    if (path !== MCP_PATH) return reply(req, res, 404, -32000, `Not Found: MCP is served at ${MCP_PATH}.`);
    if (req.method !== "POST" && req.method !== "GET" && req.method !== "DELETE") {
      res.setHeader("Allow", "GET, POST, DELETE");
      return reply(req, res, 405, -32000, "Method Not Allowed: use POST, GET or DELETE.");
    }
    if (closing) return reply(req, res, 503, -32000, "Service Unavailable: the server is shutting down.");

    let body: unknown;
    if (req.method === "POST") {
      const read = await readJsonBody(req, maxBodyBytes);
      if (!read.ok) return reply(req, res, read.status, read.code, read.message);
      body = read.body;
    }
    const coderToken = header(req, "coder-session-token");
    if (stateless) return stateless.serve(req, res, body, coderToken);
    return router?.serve(req, res, body, coderToken);
  };

  const http = createHttpServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) reply(req, res, 500, -32603, "Internal error.");
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) =>
      reject(new Error(`cannot listen on ${host} port ${options.port ?? 3333}: ${err.code ?? err.message}`));
    http.once("error", failed);
    http.listen(options.port ?? 3333, host, () => {
      http.off("error", failed);
      resolve();
    });
  });
  const closed = new Promise<void>((resolve) => http.once("close", resolve));
  const keepAlive = router ? setInterval(() => router.keepAlive(), KEEP_ALIVE_MS).unref() : undefined;
  const { port } = http.address() as AddressInfo;
  allowedHosts = allowedHostHeaders(host, port, options.allowedHosts);
  const url = `http://${urlHost(host)}:${port}${MCP_PATH}`;

  return {
    url,
    description: describe(url, options, bearerToken !== undefined),
    closed,
    sessionCount: () => router?.size ?? 0,
    close() {
      closing ??= (async () => {
        http.close();
        clearInterval(keepAlive);
        await Promise.allSettled([router?.close(), stateless?.close()]);
        // Open SSE streams and idle keep-alive sockets would hold the server open forever.
        http.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}

function health(res: ServerResponse, serving: boolean): void {
  // 503 while shutting down, so that the balancer sends new requests elsewhere.
  res.writeHead(serving ? 200 : 503, { "Content-Type": "application/json", "Cache-Control": "no-store" });
  res.end(JSON.stringify({ status: serving ? "ok" : "shutting down" }));
}

/** The session's configuration when its client sent its own token: the deployment's URL with that token. */
function clientConfig(config: Config, token: string): Config {
  // Without a token in the environment, its absence was the only problem; any other problem stays.
  const problem = config.coderUrl && !config.token ? undefined : config.problem;
  return { ...config, token, problem, source: "token from the client's Coder-Session-Token header" };
}

function describe(url: string, options: HttpServerOptions, bearer: boolean): string {
  const auth = bearer ? "bearer token required" : "no bearer token, loopback only";
  const { config } = options;
  let coder: string;
  if (options.coder && config.coderUrl) {
    coder = `Coder at ${config.coderUrl.href.replace(/\/$/, "")} (${config.source}) unless a client sends its own Coder-Session-Token`;
  } else if (config.coderUrl && !config.token) {
    coder = `Coder at ${config.coderUrl.href.replace(/\/$/, "")}; each client must send its Coder-Session-Token`;
  } else {
    coder = config.problem ?? "no Coder deployment configured";
  }
  const mode = options.stateless ? "; stateless" : "";
  return `serving MCP over HTTP at ${url} (${auth}; ${coder}${mode})`;
}
