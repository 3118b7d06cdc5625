// A minimal newline-delimited JSON-RPC client over a child's stdio: a pending-request map and nothing else, so
// that the figures measure the server, not a client library. Every child is tracked, so run.ts can always kill it.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";

export interface SpawnSpec {
  label: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export interface RpcResponse {
  // biome-ignore lint/suspicious/noExplicitAny: results are read field by field by each section.
  result?: any;
  error?: { code: number; message: string };
  /** Bytes of the response line, without its newline. */
  bytes: number;
}

interface Pending {
  resolve(r: RpcResponse): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

const live = new Set<RpcChild>();

export const PROTOCOL_VERSION = "2025-06-18";

export class RpcChild {
  readonly pid: number;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  readonly exited: Promise<number | string | null>;
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, Pending>();
  private buffer = "";
  private nextId = 1;
  private stderrTail = "";
  private gone = false;

  constructor(readonly spec: SpawnSpec) {
    this.proc = spawn(spec.command, spec.args, { env: spec.env, stdio: ["pipe", "pipe", "pipe"] });
    if (this.proc.pid === undefined) throw new Error(`${spec.label}: spawn failed`);
    this.pid = this.proc.pid;
    live.add(this);
    this.exited = new Promise((resolve) => {
      this.proc.once("exit", (code, signal) => {
        this.gone = true;
        live.delete(this);
        const why = new Error(`${spec.label} exited (${code ?? signal}); stderr: ${this.stderrTail.slice(-500)}`);
        for (const p of this.pending.values()) {
          clearTimeout(p.timer);
          p.reject(why);
        }
        this.pending.clear();
        resolve(code ?? signal);
      });
    });
    this.proc.once("error", () => {}); // reported through exit
    this.proc.stdin.on("error", () => {}); // EPIPE after the child died: the exit handler rejects what is pending
    this.proc.stdout.setEncoding("utf8");
    this.proc.stdout.on("data", (chunk: string) => this.onData(chunk));
    this.proc.stderr.setEncoding("utf8");
    this.proc.stderr.on("data", (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-4000);
    });
  }

  /** Sends a request; rejects on timeout or exit. Resolves with JSON-RPC errors too (the caller counts them). */
  request(method: string, params: unknown = {}, timeoutMs = 30_000): Promise<RpcResponse> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.gone) return reject(new Error(`${this.spec.label} is not running`));
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.spec.label}: ${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.proc.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
    });
  }

  notify(method: string, params: unknown = {}): void {
    this.proc.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method, params })}\n`);
  }

  initialize(): Promise<RpcResponse> {
    return this.request("initialize", {
      protocolVersion: PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name: "coder-tasks-mcp-bench", version: "1.0.0" },
    });
  }

  /** initialize + notifications/initialized, as every client does before its first call. */
  async handshake(): Promise<RpcResponse> {
    const init = await this.initialize();
    if (init.error) throw new Error(`${this.spec.label}: initialize failed: ${init.error.message}`);
    this.notify("notifications/initialized");
    return init;
  }

  callTool(name: string, args: Record<string, unknown>, timeoutMs?: number): Promise<RpcResponse> {
    return this.request("tools/call", { name, arguments: args }, timeoutMs);
  }

  /** Ends stdin (a polite MCP shutdown), then SIGKILL if still alive after `graceMs`. */
  async close(graceMs = 2000): Promise<void> {
    if (this.gone) return;
    this.proc.stdin.end();
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  get stderr(): string {
    return this.stderrTail;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl = this.buffer.indexOf("\n");
    while (nl !== -1) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (line.trim() !== "") this.onLine(line);
      nl = this.buffer.indexOf("\n");
    }
  }

  private onLine(line: string): void {
    let msg: { id?: number | string; method?: string; result?: unknown; error?: RpcResponse["error"] };
    try {
      msg = JSON.parse(line);
    } catch {
      return; // not ours to judge here; a broken line shows up as a timeout
    }
    if (msg.method !== undefined) {
      // A server-to-client request (none expected): answer so that the server never waits on us.
      if (msg.id !== undefined) {
        this.proc.stdin.write(
          `${JSON.stringify({ jsonrpc: "2.0", id: msg.id, error: { code: -32601, message: "not supported" } })}\n`,
        );
      }
      return; // notifications (log messages) are ignored
    }
    const p = typeof msg.id === "number" ? this.pending.get(msg.id) : undefined;
    if (!p || typeof msg.id !== "number") return;
    this.pending.delete(msg.id);
    clearTimeout(p.timer);
    p.resolve({ result: msg.result, error: msg.error, bytes: Buffer.byteLength(line) });
  }
}

/** Closes every child still running (politely, then SIGKILL). */
export async function closeAll(): Promise<void> {
  await Promise.all([...live].map((c) => c.close(500)));
}

/** Last resort on process exit: synchronous SIGKILL of whatever is left. */
export function killAllSync(): void {
  for (const c of live) {
    try {
      process.kill(c.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** A tool result that failed, as a client sees it: a JSON-RPC error or isError. */
export function failed(r: RpcResponse): string | undefined {
  if (r.error) return `JSON-RPC ${r.error.code}: ${r.error.message}`;
  if (r.result?.isError) return `isError: ${String(r.result.content?.[0]?.text ?? "").slice(0, 200)}`;
  return undefined;
}
