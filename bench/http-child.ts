// The built server with --http as a child process, and a lean raw MCP client for it (undici, JSON answers): the
// bench measures the server's CPU, so the client must not need an SDK per session.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Pool } from "undici";
import type { SpawnSpec } from "./stdio-client.js";

const PROTOCOL_VERSION = "2025-06-18";
const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

/** CPU time (user + system) the process has used, in ms, from /proc (Linux); clock ticks of 10 ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export interface HttpChild {
  pid: number;
  origin: string;
  close(): Promise<void>;
}

/** `spec` (the stdio server's spawn spec) with `--http --port 0` and `flags`, once it listens. */
export async function startHttpChild(spec: SpawnSpec, flags: string[] = []): Promise<HttpChild> {
  const child = spawn(spec.command, [...spec.args, "--http", "--port", "0", ...flags], { env: spec.env });
  children.add(child);
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  for (let i = 0; i < 500 && !stderr.includes("\n"); i++) await new Promise((r) => setTimeout(r, 20));
  const match = /serving MCP over HTTP at (http:\/\/127\.0\.0\.1:\d+)\/mcp/.exec(stderr);
  if (!match?.[1] || child.pid === undefined) throw new Error(`the HTTP server did not start: ${stderr}`);
  return {
    pid: child.pid,
    origin: match[1],
    async close() {
      child.kill("SIGTERM");
      await exited;
      children.delete(child);
    },
  };
}

/** Raw MCP over HTTP on one keep-alive pool: a session is its ID. */
export class HttpMcp {
  private readonly pool: Pool;
  private nextId = 1;

  constructor(origin: string, connections: number) {
    this.pool = new Pool(origin, { connections, keepAliveTimeout: 30_000 });
  }

  /** initialize + notifications/initialized: the session's ID (undefined in stateless mode). */
  async session(): Promise<{ id?: string; status: number }> {
    const init = await this.post(undefined, {
      jsonrpc: "2.0",
      id: this.nextId++,
      method: "initialize",
      params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: "bench", version: "1" } },
    });
    if (init.status !== 200) return { status: init.status };
    await this.post(init.session, { jsonrpc: "2.0", method: "notifications/initialized" });
    return { id: init.session, status: 200 };
  }

  /** A tools/call; throws unless it succeeded. */
  async call(session: string | undefined, name: string, args: Record<string, unknown>): Promise<void> {
    const r = await this.post(session, {
      jsonrpc: "2.0",
      id: this.nextId++,
      method: "tools/call",
      params: { name, arguments: args },
    });
    if (r.status !== 200 || !r.text.includes('"result"') || r.text.includes('"isError":true')) {
      throw new Error(`${name}: ${r.status} ${r.text.slice(0, 200)}`);
    }
  }

  async ping(session: string): Promise<number> {
    return (await this.post(session, { jsonrpc: "2.0", id: this.nextId++, method: "ping" })).status;
  }

  async post(session: string | undefined, body: unknown): Promise<{ status: number; text: string; session?: string }> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": PROTOCOL_VERSION,
    };
    if (session) headers["mcp-session-id"] = session;
    const res = await this.pool.request({ method: "POST", path: "/mcp", headers, body: JSON.stringify(body) });
    const text = await res.body.text();
    const id = res.headers["mcp-session-id"];
    return { status: res.statusCode, text, session: typeof id === "string" ? id : undefined };
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
