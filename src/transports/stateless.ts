// --stateless: no MCP session, every POST stands alone, so that any replica can answer any request. A server serves
// one request at a time and is then kept for the next (building one costs more than a call); servers and Coder
// clients are kept per Coder token, the least recently used token's dropped past a bound.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CoderClient } from "../coder/client.js";
import type { ServerHandle } from "../server.js";
import { digest } from "./http-guard.js";
import { McpHttpTransport } from "./mcp-transport.js";
import { sessionScope } from "./scope.js";
import type { ServerBuild } from "./session-router.js";

/** Idle servers kept per token, and tokens kept. */
const MAX_IDLE = 16;
const MAX_TOKENS = 64;

interface Served {
  server: ServerHandle;
  transport: McpHttpTransport;
}

interface Pool {
  coder?: CoderClient;
  /** Whether the coder is this pool's own (from a client's token), to close with it. */
  own: boolean;
  idle: Served[];
  busy: number;
  dropped: boolean;
}

export class StatelessServers {
  private readonly pools = new Map<string, Pool>();
  private closed = false;

  constructor(private readonly build: ServerBuild) {}

  async serve(req: IncomingMessage, res: ServerResponse, body: unknown, coderToken?: string): Promise<void> {
    const pool = this.pool(coderToken);
    const served = pool.idle.pop() ?? (await this.create(pool, coderToken));
    pool.busy += 1;
    let failed = false;
    // An uncaught exception in this request closes its server, which then serves no other (see scope.ts).
    const close = () => {
      failed = true;
      void served.server.close();
    };
    try {
      await sessionScope.run({ label: "a stateless HTTP request", close }, () =>
        served.transport.handle(req, res, body),
      );
    } finally {
      pool.busy -= 1;
      // An initialize leaves the client's capabilities on its server: it must not serve another client.
      const keep = !failed && !this.closed && !pool.dropped && !carriesInitialize(body) && pool.idle.length < MAX_IDLE;
      if (keep) pool.idle.push(served);
      else await served.server.close();
      if (pool.dropped && pool.busy === 0 && pool.own) await pool.coder?.close();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(pools.map((p) => this.drop(p)));
  }

  private pool(coderToken: string | undefined): Pool {
    const key = coderToken === undefined ? "" : digest(coderToken).toString("base64");
    let pool = this.pools.get(key);
    if (pool) {
      this.pools.delete(key);
    } else {
      const own = coderToken !== undefined;
      pool = { coder: own ? this.build.coder(coderToken) : this.build.shared, own, idle: [], busy: 0, dropped: false };
    }
    this.pools.set(key, pool);
    if (this.pools.size > MAX_TOKENS) {
      const [oldestKey, oldest] = this.pools.entries().next().value as [string, Pool];
      this.pools.delete(oldestKey);
      void this.drop(oldest);
    }
    return pool;
  }

  private async create(pool: Pool, coderToken: string | undefined): Promise<Served> {
    const server = this.build.server(pool.coder, coderToken);
    withoutSessionFeatures(server.server);
    const transport = new McpHttpTransport();
    await server.connect(transport);
    return { server, transport };
  }

  private async drop(pool: Pool): Promise<void> {
    pool.dropped = true;
    const idle = pool.idle.splice(0);
    await Promise.allSettled(idle.map((s) => s.server.close()));
    if (pool.busy === 0 && pool.own) await pool.coder?.close();
  }
}

/**
 * What needs a session is not offered: resource subscriptions (nobody to send updates to) and list-changed
 * notifications. Elicitation needs no change: a server that saw no initialize knows of no client capability.
 */
export function withoutSessionFeatures(server: McpServer): void {
  server.server.registerCapabilities({
    resources: { subscribe: false, listChanged: false },
    tools: { listChanged: false },
    prompts: { listChanged: false },
  });
  server.server.removeRequestHandler("resources/subscribe");
  server.server.removeRequestHandler("resources/unsubscribe");
}

function carriesInitialize(body: unknown): boolean {
  const isInit = (m: unknown) => (m as { method?: unknown } | null)?.method === "initialize";
  return Array.isArray(body) ? body.some(isInit) : isInit(body);
}
