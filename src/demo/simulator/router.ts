// From a Node request to a reply: the request hook, injected faults, the path prefix, routing, auth, and the
// response hook (where the tests check every body against the contract) before it is sent.
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { authenticate, type Sessions } from "./auth.js";
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

/** What a route answered, as the response hook sees it before it is sent. */
export interface RouteAnswer {
  /** The operation in the contract, e.g. "GET /api/v2/tasks/{user}/{task}"; undefined when no route matched. */
  operation: string | undefined;
  status: number;
  /** The JSON body; undefined when the answer has none. */
  body: unknown;
}

/** Where a caller (the tests) can watch the simulator work. */
export interface SimulatorHooks {
  /** Every request as it arrives; its `body` is filled in once read, before it is answered. */
  onRequest?(request: RecordedRequest): void;
  /** Every answer a route gives (not injected faults), before it is sent. */
  onResponse?(request: RecordedRequest, answer: RouteAnswer): void;
  /** A bug in the simulator: a handler threw (the client got a 500) or a request failed. */
  onError?(message: string): void;
}

export interface RouterOptions {
  store: Store;
  /** Session tokens and the users they sign in as. */
  sessions: Sessions;
  /** Whom public routes (buildinfo) run as: they read no token. */
  defaultActor: UserRecord;
  deployment: Deployment;
  pathPrefix: string;
  tasksApi: TasksApi;
  faults: Faults;
  hooks: SimulatorHooks;
  /** Aborted when the simulator closes, to end injected delays. */
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
    this.o.hooks.onRequest?.(recorded);
    recorded.body = await readAll(req);

    const fault = this.o.faults.take(recorded.method, recorded.path);
    if (fault && "status" in fault) return sendFault(res, fault);
    if (fault?.kind === "reset") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "delay" && !(await delay(fault.ms, this.o.signal))) return;

    const { reply, operation } = this.answer(recorded, rawPath, query);
    this.o.hooks.onResponse?.(recorded, { operation, status: reply.status, body: reply.body });
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
    let actor = this.o.defaultActor;
    if (!route.public) {
      const auth = authenticate(req.headers, query, this.o.sessions);
      if ("denied" in auth) return { reply: auth.denied };
      actor = auth.user;
    }
    const handler = route.methods[req.method as Method];
    if (!handler) return { reply: fail(405, "Method not allowed.") };
    const operation = `${req.method} ${route.spec}`;
    const { store, deployment, lifecycle } = this.o;
    try {
      const call = { params, query, body: req.body, store, actor, deployment, lifecycle };
      return { reply: handler(call), operation };
    } catch (err) {
      // A bug in the simulator, not a client error: answer as Coder does for internal errors, and make it visible.
      this.o.hooks.onError?.(`${operation}: the simulator threw ${(err as Error).stack ?? String(err)}`);
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

/** False when the simulator closed during the delay. */
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
