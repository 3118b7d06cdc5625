// The sessions of the stateful HTTP server, in least-recently-used order, within a cap: a new session closes the
// least recently used one that has no call in progress, and is refused when every session has one. Sessions idle
// for the idle time-out are closed, and sessions that never sent a request after initialize much sooner.
import type { CoderClient } from "../coder/client.js";
import type { ServerHandle } from "../server.js";
import type { McpHttpTransport } from "./mcp-transport.js";

export interface Session {
  id: string;
  transport: McpHttpTransport;
  server: ServerHandle;
  /** The client's own Coder client, from its Coder-Session-Token; closed with the session. */
  ownCoder?: CoderClient;
  /** Digest of the Coder-Session-Token the session was initialized with, to refuse a switch of user. */
  coderToken?: Buffer;
  /** POSTs in progress. An open GET stream is not a call: a session with only that may be closed for room. */
  calls: number;
  /** When the last request began or ended. */
  lastSeen: number;
  /** Whether the client sent anything after initialize but the initialized notification. */
  used: boolean;
  ended?: Promise<void>;
}

export interface SessionLimits {
  maxSessions: number;
  /** A used session with no request in progress (an open GET stream counts) for this long is closed. */
  idleTimeoutMs: number;
  /** A session that sent nothing after initialize is closed after this long, open stream or not. */
  unusedTimeoutMs: number;
}

export class SessionTable {
  /** Insertion order is recency: a session is moved to the end whenever a request arrives. */
  private readonly byId = new Map<string, Session>();

  constructor(private readonly limits: SessionLimits) {}

  get size(): number {
    return this.byId.size;
  }

  all(): Session[] {
    return [...this.byId.values()];
  }

  /** The session, now the most recently used. */
  touch(id: string): Session | undefined {
    const session = this.byId.get(id);
    if (!session) return undefined;
    this.byId.delete(id);
    this.byId.set(id, session);
    session.lastSeen = Date.now();
    return session;
  }

  add(session: Session): void {
    this.byId.set(session.id, session);
  }

  remove(session: Session): void {
    if (this.byId.get(session.id) === session) this.byId.delete(session.id);
  }

  /**
   * Makes room for one more session: true when there is room, having closed the least recently used session with
   * no call in progress if the cap was reached; false when every session has a call in progress.
   */
  makeRoom(): boolean {
    if (this.byId.size < this.limits.maxSessions) return true;
    for (const session of this.byId.values()) {
      if (session.calls > 0) continue;
      this.remove(session);
      void session.transport.close();
      return true;
    }
    return false;
  }

  /** Closes the sessions whose time is up. */
  sweep(now: number): void {
    for (const s of this.byId.values()) {
      if (s.calls > 0) continue;
      const quiet = now - s.lastSeen;
      const idle = s.transport.streams() === 0 && quiet >= this.limits.idleTimeoutMs;
      if (idle || (!s.used && quiet >= this.limits.unusedTimeoutMs)) void s.transport.close();
    }
  }
}
