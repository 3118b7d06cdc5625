// From a Node request to a reply: recording, injected faults, the path prefix, routing, auth, and the contract
// check of every body before it is sent.
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { checkAuth } from "./auth.js";
import type { Contract } from "./contract.js";
import type { Fault, Faults } from "./faults.js";
import { decodeLeniently, fail, goJson, pathSegments, type Reply, routeNotFound } from "./http.js";
import type { Lifecycle } from "./lifecycle.js";
import type { UserRecord } from "./model.js";
import { OTHER_ROUTES } from "./other-routes.js";
import type { Deployment, Method, Route } from "./route.js";
import type { Store } from "./store.js";
import { TASK_ROUTES } from "./tasks-routes.js";

export type TasksApi = "v2" | "experimental-only" | "disabled";

export interface RecordedRequest {
  method: string;
  /** Exactly req.url as received, not decoded. */
  rawUrl: string;
  /** The decoded pathname. */
  path: string;
  /** The first value of each query parameter. */
  query: Record<string, string>;
  /** Lower-cased names, as received. */
  headers: Record<string, string>;
  body: string;
}

export interface RouterOptions {
  store: Store;
  /** The user the token belongs to. */
  actor: UserRecord;
  token: string;
  deployment: Deployment;
  pathPrefix: string;
  tasksApi: TasksApi;
  contract: Contract;
  faults: Faults;
  requests: RecordedRequest[];
  violations: string[];
  /** Aborted when the fake closes, to end injected delays. */
  signal: AbortSignal;
  lifecycle: Lifecycle | undefined;
}

/** Where the task routes are mounted (BEHAVIOR.md, Versions): v2.26-2.28 experimental only, v2.29+ both. */
const TASK_BASES: Record<TasksApi, string[]> = {
  v2: ["v2", "experimental"],
  "experimental-only": ["experimental"],
  disabled: [],
};

export class Router {
  private readonly routes: Route[];

  constructor(private readonly o: RouterOptions) {
    const { features } = o.store;
    const taskRoutes = TASK_ROUTES.filter((r) => r.feature === undefined || features[r.feature]);
    this.routes = [
      ...OTHER_ROUTES.map((r) => ({ ...r, path: ["api", "v2", ...r.path] })),
      ...TASK_BASES[o.tasksApi].flatMap((base) =>
        taskRoutes.map((r) => ({ ...r, path: ["api", base, "tasks", ...r.path] })),
      ),
    ];
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? "/";
    const [rawPath = "/", rawQuery = ""] = rawUrl.split(/\?(.*)/s);
    const query = new URLSearchParams(rawQuery);
    const recorded: RecordedRequest = {
      method: req.method ?? "GET",
      rawUrl,
      path: decodeLeniently(rawPath),
      query: Object.fromEntries([...query.keys()].map((k) => [k, query.get(k) ?? ""])),
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
      ),
      body: "",
    };
    this.o.requests.push(recorded);
    recorded.body = await readAll(req);

    const fault = this.o.faults.take(recorded.method, recorded.path);
    if (fault && "status" in fault) return sendFault(res, fault);
    if (fault?.kind === "reset") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "delay" && !(await delay(fault.ms, this.o.signal))) return;

    const { reply, operation } = this.answer(recorded, rawPath, query);
    this.check(recorded, reply, operation);
    if (res.destroyed) return;
    res.setHeader("X-Coder-Build-Version", this.o.deployment.version);
    if (reply.body === undefined) {
      res.writeHead(reply.status).end();
    } else {
      res.writeHead(reply.status, { "Content-Type": "application/json; charset=utf-8" }).end(goJson(reply.body));
    }
  }

  private answer(req: RecordedRequest, rawPath: string, query: URLSearchParams): { reply: Reply; operation?: string } {
    const { pathPrefix } = this.o;
    if (rawPath !== pathPrefix && !rawPath.startsWith(`${pathPrefix}/`)) return { reply: routeNotFound() };
    const segments = pathSegments(rawPath.slice(pathPrefix.length) || "/");
    const found = this.match(segments);
    if (!found) return { reply: routeNotFound() };
    const { route, params } = found;
    if (!route.public) {
      const denied = checkAuth(req.headers, query, this.o.token);
      if (denied) return { reply: denied };
    }
    const handler = route.methods[req.method as Method];
    if (!handler) return { reply: fail(405, "Method not allowed.") };
    const operation = `${req.method} ${route.spec}`;
    const { store, actor, deployment, lifecycle } = this.o;
    try {
      const call = { params, query, body: req.body, store, actor, deployment, lifecycle };
      return { reply: handler(call), operation };
    } catch (err) {
      // A bug in the fake, not a client error: answer as Coder does for internal errors, and make it visible.
      this.o.violations.push(`${operation}: the fake threw ${(err as Error).stack ?? String(err)}`);
      return { reply: fail(500, "An internal server error occurred.", (err as Error).message) };
    }
  }

  private match(segments: string[]): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.path.length !== segments.length) continue;
      const params: Record<string, string> = {};
      const matches = route.path.every((part, i) => {
        const segment = segments[i] ?? "";
        if (part.startsWith(":")) params[part.slice(1)] = segment;
        return part.startsWith(":") || part === segment;
      });
      if (matches) return { route, params };
    }
    return undefined;
  }

  /** Success bodies against the operation's schema, error bodies against codersdk.Response. */
  private check(req: RecordedRequest, reply: Reply, operation: string | undefined): void {
    const contract = this.o.contract;
    let problem: string | undefined;
    if (reply.status >= 400) problem = contract.checkError(reply.body);
    else if (reply.body !== undefined) problem = contract.checkSuccess(operation ?? "", reply.body);
    if (problem) this.o.violations.push(`${req.method} ${req.path} -> ${reply.status}: ${problem}`);
  }
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of req) chunks.push(chunk as Buffer);
  } catch {
    // The client went away mid-body; what arrived is what was received.
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** False when the fake closed during the delay. */
async function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** A raw answer, as a proxy in front of Coder would give it: no codersdk.Response, no Coder header. */
function sendFault(res: ServerResponse, fault: Extract<Fault, { status: number }>): void {
  res.writeHead(fault.status, {
    ...(fault.contentType ? { "Content-Type": fault.contentType } : {}),
    ...fault.headers,
  });
  res.end(fault.body ?? "");
}
