// Stateful mode: each request to the session its Mcp-Session-Id names, an initialize to a new session (within the
// cap), one Coder identity per session.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CoderClient } from "../coder/client.js";
import type { ServerHandle } from "../server.js";
import { digest, matchesDigest } from "./http-guard.js";
import { header, reply } from "./http-reply.js";
import { checkPost, McpHttpTransport } from "./mcp-transport.js";
import { sessionScope } from "./scope.js";
import { type Session, type SessionLimits, SessionTable } from "./sessions.js";

/** How the servers of both modes are built. */
export interface ServerBuild {
  /** The server for requests with this Coder client, its redaction covering `coderToken`. */
  server(coder: CoderClient | undefined, coderToken: string | undefined): ServerHandle;
  /** The Coder client of a client's own token. */
  coder(coderToken: string): CoderClient | undefined;
  /** The server's own Coder client. */
  shared?: CoderClient;
}

/** Seconds a client refused for want of room is told to wait. */
const RETRY_AFTER_SECONDS = 5;

export class SessionRouter {
  private readonly table: SessionTable;
  private readonly sweep: NodeJS.Timeout;

  constructor(
    private readonly build: ServerBuild,
    private readonly limits: SessionLimits & { newId(): string },
  ) {
    this.table = new SessionTable(limits);
    const every = Math.min(limits.idleTimeoutMs, limits.unusedTimeoutMs) / 4;
    this.sweep = setInterval(() => this.table.sweep(Date.now()), Math.min(Math.max(every, 10), 15_000)).unref();
  }

  get size(): number {
    return this.table.size;
  }

  /** Resolves when the answer is complete: for an SSE stream, when it ends. */
  async serve(req: IncomingMessage, res: ServerResponse, body: unknown, coderToken?: string): Promise<void> {
    const sessionId = header(req, "mcp-session-id");
    if (sessionId === undefined) return this.initialize(req, res, body, coderToken);
    const session = this.table.touch(sessionId);
    if (!session) return reply(req, res, 404, -32001, "Session not found: initialize a new session.");
    // One session, one Coder user: a token other than the one it started with is refused, never adopted.
    const switched =
      coderToken !== undefined && (session.coderToken === undefined || !matchesDigest(session.coderToken, coderToken));
    if (switched) {
      return reply(
        req,
        res,
        403,
        -32000,
        "Forbidden: this session was initialized with another Coder identity; a Coder-Session-Token cannot change within a session. Initialize a new session to use it.",
      );
    }
    if (req.method === "POST" && !session.used) session.used = !onlyInitialized(body);
    return this.inSession(session, req, res, body);
  }

  keepAlive(): void {
    for (const s of this.table.all()) s.transport.keepAlive();
  }

  async close(): Promise<void> {
    clearInterval(this.sweep);
    const ending = this.table.all();
    await Promise.allSettled(ending.map((s) => s.transport.close()));
    await Promise.allSettled(ending.map((s) => s.ended));
  }

  private async initialize(req: IncomingMessage, res: ServerResponse, body: unknown, coderToken?: string) {
    const checked = req.method === "POST" ? checkPost(req, body) : undefined;
    if (checked && !Array.isArray(checked)) return reply(req, res, checked.status, checked.code, checked.message);
    if (!checked?.some((m) => "method" in m && m.method === "initialize")) {
      return reply(req, res, 400, -32000, "Bad Request: no Mcp-Session-Id header; start with an initialize request.");
    }
    if (!this.table.makeRoom()) {
      res.setHeader("Retry-After", String(RETRY_AFTER_SECONDS));
      return reply(
        req,
        res,
        503,
        -32000,
        `Service Unavailable: all ${this.limits.maxSessions} sessions have a call in progress; retry in ${RETRY_AFTER_SECONDS} s (the server's limit is --max-sessions).`,
      );
    }
    const session = this.open(coderToken);
    try {
      await this.scoped(session, () => session.server.connect(session.transport));
      await this.inSession(session, req, res, body);
    } finally {
      // Refused by the transport (e.g. a second initialize in the batch): nothing to keep.
      if (!session.transport.initialized) await session.transport.close();
    }
  }

  private open(coderToken: string | undefined): Session {
    const ownCoder = coderToken ? this.build.coder(coderToken) : undefined;
    const id = this.limits.newId();
    const session: Session = {
      id,
      server: this.build.server(coderToken ? ownCoder : this.build.shared, coderToken),
      transport: new McpHttpTransport(id),
      ownCoder,
      coderToken: coderToken === undefined ? undefined : digest(coderToken),
      calls: 0,
      lastSeen: Date.now(),
      used: false,
    };
    // DELETE, eviction, time-outs, shutdown and an uncaught exception in the session all end here.
    session.transport.onclose = () => {
      session.ended ??= this.end(session);
    };
    this.table.add(session);
    return session;
  }

  private async end(session: Session): Promise<void> {
    this.table.remove(session);
    await session.server.close().catch(() => {});
    await session.ownCoder?.close().catch(() => {});
  }

  private async inSession(session: Session, req: IncomingMessage, res: ServerResponse, body: unknown) {
    const call = req.method === "POST";
    if (call) session.calls += 1;
    session.lastSeen = Date.now();
    try {
      await this.scoped(session, () => session.transport.handle(req, res, body));
    } finally {
      if (call) session.calls -= 1;
      session.lastSeen = Date.now();
    }
  }

  /** Runs `work` as the session's: what it starts, and throws later, is the session's (see scope.ts). */
  private scoped<T>(session: Session, work: () => Promise<T>): Promise<T> {
    const close = () => void session.transport.close();
    // Not the session ID: whoever reads the log must not be able to join the session.
    return sessionScope.run({ label: "an HTTP session", close }, work);
  }
}

/** Whether a POST after initialize carries nothing but the initialized notification (or another initialize). */
function onlyInitialized(body: unknown): boolean {
  const messages = Array.isArray(body) ? body : [body];
  const method = (m: unknown) => (m as { method?: unknown } | null)?.method;
  return messages.every((m) => method(m) === "notifications/initialized" || method(m) === "initialize");
}
