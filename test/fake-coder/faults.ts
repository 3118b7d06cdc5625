// Injected faults: what a proxy, the network or an overloaded Coder would do to a request instead of answering it.
// They run in the fake's middleware, around the simulator, so that the simulator shipped with --demo has none.
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

export interface FaultMatch {
  method?: string;
  /** Tested against the decoded path, as recorded. */
  path?: RegExp;
  /** How many matching requests the fault applies to; default 1. */
  times?: number;
}

export type Fault =
  | {
      status: number;
      body?: string;
      contentType?: string;
      headers?: Record<string, string>;
      /** The body is sent this many times over, as the client reads it (Infinity: without end). */
      repeat?: number;
      /** Sent once, before the repeated body. */
      head?: string;
    }
  | { kind: "reset" }
  | { kind: "delay"; ms: number };

export class Faults {
  private readonly pending: Array<{ match: FaultMatch; fault: Fault; left: number }> = [];
  /** Aborted when the fake closes, to end injected delays. */
  private readonly closing = new AbortController();

  add(match: FaultMatch, fault: Fault): void {
    this.pending.push({ match, fault, left: match.times ?? 1 });
  }

  /**
   * Applies the first fault matching the request, counted as used. True when the request is done with (answered
   * by the fault, reset, or the fake closed during a delay); false when the simulator should answer it.
   */
  async apply(method: string, path: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const fault = this.take(method, path);
    if (!fault) return false;
    if ("status" in fault) {
      sendFault(res, fault);
      return true;
    }
    if (fault.kind === "reset") {
      req.socket.destroy();
      return true;
    }
    try {
      await sleep(fault.ms, undefined, { signal: this.closing.signal });
      return false;
    } catch {
      return true;
    }
  }

  close(): void {
    this.closing.abort();
  }

  private take(method: string, path: string): Fault | undefined {
    const index = this.pending.findIndex(({ match }) => {
      if (match.method !== undefined && match.method.toUpperCase() !== method) return false;
      if (match.path === undefined) return true;
      match.path.lastIndex = 0; // a /g or /y pattern keeps state between test() calls
      return match.path.test(path);
    });
    const entry = this.pending[index];
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left <= 0) this.pending.splice(index, 1);
    return entry.fault;
  }
}

/** A raw answer, as a proxy in front of Coder would give it: no codersdk.Response, no Coder header. */
function sendFault(res: ServerResponse, fault: Extract<Fault, { status: number }>): void {
  const body = Buffer.from(fault.body ?? "");
  const head = Buffer.from(fault.head ?? "");
  let left = fault.repeat ?? 1;
  res.writeHead(fault.status, {
    ...(fault.contentType ? { "Content-Type": fault.contentType } : {}),
    // A body without end has no length: it goes chunked.
    ...(Number.isFinite(left) ? { "Content-Length": String(head.length + body.length * left) } : {}),
    ...fault.headers,
  });
  // Written as the client reads it, and given up when it goes away: a huge body never sits in memory.
  const write = () => {
    while (left > 0 && !res.destroyed) {
      left -= 1;
      if (!res.write(body)) return void res.once("drain", write);
    }
    if (!res.destroyed) res.end();
  };
  res.once("close", () => {
    left = 0;
  });
  res.write(head);
  write();
}
