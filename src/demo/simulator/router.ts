// From a Node request to a reply: the request read whole, the middleware (where the tests record requests, inject
// faults and check answers), the path prefix, routing and auth.
import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticate, type Sessions } from "./auth.js";
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

/** What the simulator answered. */
export interface RouteAnswer {
  /** The operation in the contract, e.g. "GET /api/v2/tasks/{user}/{task}"; undefined when no route matched. */
  operation: string | undefined;
  status: number;
  /** The JSON body; undefined when the answer has none. */
  body: unknown;
  /** A bug in the simulator: the route's handler threw this (the answer is a 500). */
  failure?: string;
}

/**
 * The one extension point: it stands around every request, read whole. It may watch it, answer it itself through
 * `res` (or drop it), or pass it on: `next()` answers through the routes and resolves to what was sent (undefined when
 * the client was gone).
 */
export type Middleware = (
  request: RecordedRequest,
  exchange: { req: IncomingMessage; res: ServerResponse },
  next: () => Promise<RouteAnswer | undefined>,
) => Promise<void>;

export interface RouterOptions {
  store: Store;
  /** Session tokens and the users they sign in as. */
  sessions: Sessions;
  /** Whom public routes (buildinfo) run as: they read no token. */
  defaultActor: UserRecord;
  deployment: Deployment;
  pathPrefix: string;
  tasksApi: TasksApi;
  middleware: Middleware | undefined;
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
    recorded.body = await readAll(req);
    const next = async () => this.send(res, this.answer(recorded, rawPath, query));
    if (this.o.middleware) await this.o.middleware(recorded, { req, res }, next);
    else await next();
  }

  private send(res: ServerResponse, answer: RouteAnswer): RouteAnswer | undefined {
    if (res.destroyed) return undefined;
    res.setHeader("X-Coder-Build-Version", this.o.deployment.version);
    if (answer.body === undefined) {
      res.writeHead(answer.status).end();
    } else {
      res.writeHead(answer.status, { "Content-Type": "application/json; charset=utf-8" }).end(goJson(answer.body));
    }
    return answer;
  }

  private answer(req: RecordedRequest, rawPath: string, query: URLSearchParams): RouteAnswer {
    const { reply, operation, failure } = this.route(req, rawPath, query);
    return { operation, status: reply.status, body: reply.body, ...(failure ? { failure } : {}) };
  }

  private route(
    req: RecordedRequest,
    rawPath: string,
    query: URLSearchParams,
  ): { reply: Reply; operation?: string; failure?: string } {
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
      const failure = `${operation}: the simulator threw ${(err as Error).stack ?? String(err)}`;
      return { reply: fail(500, "An internal server error occurred.", (err as Error).message), operation, failure };
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
