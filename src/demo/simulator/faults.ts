// Injected faults: what a proxy, the network or an overloaded Coder would do to a request instead of answering it.

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

  add(match: FaultMatch, fault: Fault): void {
    this.pending.push({ match, fault, left: match.times ?? 1 });
  }

  /** The first fault matching the request, counted as used. */
  take(method: string, path: string): Fault | undefined {
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
