// MCP over Streamable HTTP at /mcp: one McpServer per session, each on its own transport, built as the stdio bin
// builds its one server. Loaded by the bin only with --http. No `process` here: the bin owns signals and exit codes.
import { randomUUID } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { CoderClient } from "../coder/client.js";
import type { Config } from "../config.js";
import { redactor } from "../redact.js";
import { createCoderClient, createServer, type ServerDeps } from "../server.js";
import {
  allowedHostHeaders,
  bearerMatches,
  DEFAULT_MAX_BODY_BYTES,
  digest,
  isLoopbackHost,
  matchesDigest,
  readJsonBody,
  rebindingProblem,
  urlHost,
} from "./http-guard.js";

export const MCP_PATH = "/mcp";

export interface HttpServerOptions extends Omit<ServerDeps, "redact"> {
  /** Address to bind; default 127.0.0.1. Anything off loopback requires `bearerToken`. */
  host?: string;
  /** Port to bind; 0 picks a free one (the real one is in `url`). Default 3333. */
  port?: number;
  /** CODER_TASKS_MCP_HTTP_TOKEN: when set, every request must carry `Authorization: Bearer <token>`. */
  bearerToken?: string;
  /** Largest POST body accepted; default 4 MiB. */
  maxBodyBytes?: number;
  /**
   * A session with no request in progress (an open GET stream counts) for this long is closed, so that clients that
   * vanish without DELETE do not keep their sessions, and their polling of Coder, forever. Default 30 minutes.
   */
  idleTimeoutMs?: number;
}

export interface HttpServer {
  /** Where MCP is served, with the real port: `http://127.0.0.1:3333/mcp`. */
  readonly url: string;
  /** What the start-up line says after the version: address, authentication, deployment. No secret. */
  readonly description: string;
  /** Sessions open now (initialized or being initialized). */
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

interface Session {
  id?: string;
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  /** The client's own Coder client, from its Coder-Session-Token; closed with the session. */
  ownCoder?: CoderClient;
  /** Digest of the Coder-Session-Token the session was initialized with, to refuse a switch of user. */
  coderToken?: Buffer;
  /** Requests in progress, and when the last one began or ended: what idleness is measured by. */
  active: number;
  lastSeen: number;
  ended?: Promise<void>;
}

const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60_000;

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
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const { host: _h, port: _p, bearerToken: _b, maxBodyBytes: _m, idleTimeoutMs: _i, ...deps } = options;
  try {
    // A bad tool selection fails here, as it does over stdio, rather than at the first session.
    await createServer({ ...deps, coder: undefined, redact: (t) => t }).close();
  } catch (err) {
    throw new HttpStartError((err as Error).message);
  }

  const sessions = new Map<string, Session>();
  const live = new Set<Session>();
  let allowedHosts: Set<string> | undefined;
  let closing: Promise<void> | undefined;

  const openSession = (coderToken: string | undefined): Session => {
    const ownCoder = coderToken
      ? createCoderClient(clientConfig(options.config, coderToken), options.version)
      : undefined;
    const server = createServer({
      ...deps,
      coder: coderToken ? ownCoder : options.coder,
      redact: redactor([options.config.token, coderToken, bearerToken]),
    });
    const session: Session = {
      server,
      ownCoder,
      coderToken: coderToken === undefined ? undefined : digest(coderToken),
      active: 0,
      lastSeen: Date.now(),
      transport: new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        onsessioninitialized: (id) => {
          session.id = id;
          sessions.set(id, session);
        },
      }),
    };
    // DELETE, close() and shutdown all end here. The server's own onclose (subscriptions, log listener) follows.
    session.transport.onclose = () => {
      session.ended ??= endSession(session);
    };
    live.add(session);
    return session;
  };

  const endSession = async (session: Session): Promise<void> => {
    if (session.id) sessions.delete(session.id);
    live.delete(session);
    await session.ownCoder?.close().catch(() => {});
  };

  /** Resolves when the answer is complete: for an SSE stream, when it ends. */
  const serveInSession = async (session: Session, req: IncomingMessage, res: ServerResponse, body: unknown) => {
    session.active += 1;
    session.lastSeen = Date.now();
    try {
      await session.transport.handleRequest(req, res, body);
    } finally {
      session.active -= 1;
      session.lastSeen = Date.now();
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const refused = rebindingProblem(req.headers, allowedHosts);
    if (refused) return reply(req, res, 403, -32000, refused);
    if (bearerToken && !bearerMatches(req.headers.authorization, bearerToken)) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="coder-tasks-mcp"');
      return reply(req, res, 401, -32001, "Unauthorized: send Authorization: Bearer <CODER_TASKS_MCP_HTTP_TOKEN>.");
    }
    if (pathOf(req) !== MCP_PATH) {
      return reply(req, res, 404, -32000, `Not Found: MCP is served at ${MCP_PATH}.`);
    }
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
    const sessionId = header(req, "mcp-session-id");

    if (sessionId !== undefined) {
      const session = sessions.get(sessionId);
      if (!session) return reply(req, res, 404, -32001, "Session not found: initialize a new session.");
      // One session, one Coder user: a token other than the one it started with is refused, never adopted.
      const switched =
        coderToken !== undefined &&
        (session.coderToken === undefined || !matchesDigest(session.coderToken, coderToken));
      if (switched) {
        return reply(
          req,
          res,
          403,
          -32000,
          "Forbidden: this session was initialized with another Coder identity; a Coder-Session-Token cannot change within a session. Initialize a new session to use it.",
        );
      }
      return serveInSession(session, req, res, body);
    }
    if (req.method !== "POST" || !isInitialize(body)) {
      return reply(req, res, 400, -32000, "Bad Request: no Mcp-Session-Id header; start with an initialize request.");
    }
    const session = openSession(coderToken);
    try {
      await session.server.connect(session.transport);
      await serveInSession(session, req, res, body);
    } finally {
      // Refused by the transport (e.g. a wrong Accept header): nothing to keep.
      if (!session.id) await session.transport.close();
    }
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
  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const s of live) if (s.id && s.active === 0 && now - s.lastSeen >= idleTimeoutMs) void s.transport.close();
    },
    Math.min(Math.max(idleTimeoutMs / 4, 10), 60_000),
  ).unref();
  const { port } = http.address() as AddressInfo;
  allowedHosts = allowedHostHeaders(host, port);
  const url = `http://${urlHost(host)}:${port}${MCP_PATH}`;

  return {
    url,
    description: describe(url, options, bearerToken !== undefined),
    closed,
    sessionCount: () => live.size,
    close() {
      closing ??= (async () => {
        http.close();
        clearInterval(sweep);
        const ending = [...live];
        await Promise.allSettled(ending.map((s) => s.transport.close()));
        await Promise.allSettled(ending.map((s) => s.ended));
        // Open SSE streams and idle keep-alive sockets would hold the server open forever.
        http.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
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
  return `serving MCP over HTTP at ${url} (${auth}; ${coder})`;
}

function pathOf(req: IncomingMessage): string | undefined {
  try {
    return new URL(req.url ?? "", "http://localhost").pathname;
  } catch {
    return undefined;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || undefined;
}

function isInitialize(body: unknown): boolean {
  return Array.isArray(body) ? body.some(isInitializeRequest) : isInitializeRequest(body);
}

/** A JSON-RPC-shaped error, as the SDK's transport answers. Closes the connection if the body was left unread. */
function reply(req: IncomingMessage, res: ServerResponse, status: number, code: number, message: string): void {
  const hasBody = (req.headers["content-length"] ?? "0") !== "0" || req.headers["transfer-encoding"] !== undefined;
  // Node would read an unread body to its end to keep the connection: closing it is what bounds the read.
  if (hasBody && !req.complete) res.setHeader("Connection", "close");
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}
