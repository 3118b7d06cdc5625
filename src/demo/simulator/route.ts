// What a route is, what its handler receives, and the path parameters every route resolves the same way.
import { fail, isUuid, type Reply, resourceNotFound, uuidError } from "./http.js";
import type { Lifecycle } from "./lifecycle.js";
import type { TaskRecord, UserRecord } from "./model.js";
import type { Store } from "./store.js";
import type { Features } from "./version.js";

export interface Deployment {
  /** The access URL, path prefix included. */
  url: string;
  version: string;
  deploymentId: string;
}

export interface Call {
  /** Decoded path parameters, by the name in the route's path. */
  params: Record<string, string>;
  query: URLSearchParams;
  body: string;
  store: Store;
  /** The user the session token belongs to. */
  actor: UserRecord;
  deployment: Deployment;
  /** Set when the simulator moves tasks on by itself (SimulatorOptions.lifecycle). */
  lifecycle: Lifecycle | undefined;
}

export type Handler = (call: Call) => Reply;

export type Method = "GET" | "POST" | "PATCH" | "DELETE";

export interface Route {
  /** Segments after the API base ("/api/v2"); ":name" captures one segment. */
  path: string[];
  /** The operation's path in tasks-openapi.json, whose success schema the body is checked against. */
  spec: string;
  methods: Partial<Record<Method, Handler>>;
  /** Served without a session token (only buildinfo). */
  public?: boolean;
  /** Mounted only on the Coder versions that have this feature; elsewhere the path is an unknown route. */
  feature?: keyof Features;
}

export function isReply(value: object): value is Reply {
  return typeof (value as Partial<Reply>).status === "number";
}

/** httpmw.ExtractUserParam: `me`, a user UUID or a username; unknown users are 404. */
export function resolveUser(call: Call): UserRecord | Reply {
  const value = call.params.user ?? "";
  if (value === "") return fail(400, '"user" must be provided.');
  if (value === "me") return call.actor;
  const user = isUuid(value) ? call.store.userById(value.toLowerCase()) : call.store.userByName(value);
  return user ?? resourceNotFound();
}

/**
 * httpmw.ExtractTaskParam: a UUID is looked up globally (the {user} segment must exist but is not compared
 * with the owner); otherwise, or when no task has that ID, a name among {user}'s tasks, case-insensitively.
 * Deleted tasks are invisible. Before v2.29.0 (no lookup by name) the segment is parsed as a UUID only.
 */
export function resolveTask(call: Call): { owner: UserRecord; task: TaskRecord } | Reply {
  const owner = resolveUser(call);
  if (isReply(owner)) return owner;
  const value = call.params.task ?? "";
  if (value === "") return fail(400, '"task" must be provided.');
  if (!call.store.features.taskNames && !isUuid(value)) {
    return fail(400, `Invalid UUID ${JSON.stringify(value)}.`, uuidError(value));
  }
  const live = call.store.liveTasks();
  const task =
    (isUuid(value) ? live.find((t) => t.id === value.toLowerCase()) : undefined) ??
    live.find((t) => t.ownerId === owner.id && t.name.toLowerCase() === value.toLowerCase());
  return task ? { owner, task } : resourceNotFound();
}
