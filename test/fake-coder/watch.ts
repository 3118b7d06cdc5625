// The fake's middleware around the simulator: it records every request, applies injected faults, and checks every
// answer against the contract. A test expects no violation.
import type { Socket } from "node:net";
import type { Middleware, RecordedRequest, RouteAnswer } from "../../src/demo/simulator/index.js";
import type { Contract } from "./contract.js";
import { Faults } from "./faults.js";

export class Watch {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Bodies that break the contract, and failures of the simulator itself. */
  readonly violations: string[] = [];
  readonly faults = new Faults();
  /** TCP connections that carried a request so far. */
  connections = 0;
  private readonly sockets = new WeakSet<Socket>();

  constructor(private readonly contract: Contract) {}

  readonly middleware: Middleware = async (request, { req, res }, next) => {
    this.requests.push(request);
    if (!this.sockets.has(req.socket)) {
      this.sockets.add(req.socket);
      this.connections += 1;
    }
    const where = `${request.method} ${request.path}`;
    try {
      if (await this.faults.apply(request.method, request.path, req, res)) return;
      const answer = await next();
      if (answer?.failure) this.violations.push(answer.failure);
      const problem = answer && check(this.contract, answer);
      if (problem) this.violations.push(`${where} -> ${answer.status}: ${problem}`);
    } catch (err) {
      this.violations.push(`${where}: the simulator failed: ${(err as Error).stack ?? String(err)}`);
      throw err;
    }
  };
}

/** Success bodies against the operation's schema, error bodies against codersdk.Response. */
function check(contract: Contract, { operation, status, body }: RouteAnswer): string | undefined {
  if (status >= 400) return contract.checkError(body);
  if (body !== undefined) return contract.checkSuccess(operation ?? "", body);
  return undefined;
}
