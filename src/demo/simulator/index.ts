// CoderSimulator: a real HTTP server on 127.0.0.1 that behaves like a Coder deployment's Tasks API, following the
// contract in shared/coder-api (tasks-openapi.json with its wire notes, and BEHAVIOR.md). `--demo` runs it; the
// tests' fake Coder (test/fake-coder) wraps it through its middleware to record, check and inject faults.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import { newToken } from "./auth.js";
import { Lifecycle, type LifecycleOptions } from "./lifecycle.js";
import type { TaskRecord, UserRecord } from "./model.js";
import { type Middleware, Router, type TasksApi } from "./router.js";
import { taskJson, templateJson, userJson } from "./serialize.js";
import { type StateReport, Store } from "./store.js";
import type { Task, TaskLogEntry, TaskLogType, TaskStatus, Template, User } from "./types.js";
import { type Features, featuresOf } from "./version.js";

export { type AgentScript, type LifecycleOptions, PLAIN_AGENT } from "./lifecycle.js";
export type { Middleware, RecordedRequest, RouteAnswer, TasksApi } from "./router.js";
export type { StateReport } from "./store.js";
export type * from "./types.js";
export { type Features, featuresOf, parseVersion } from "./version.js";

export interface SimulatorOptions {
  /** The session token of the first user, alice (`<10-char id>-<22-char secret>`, as Coder issues them); default random. */
  token?: string;
  /**
   * What buildinfo reports and X-Coder-Build-Version carries (default "v2.33.1+abc1234"); the simulator behaves as
   * that version (version.ts Features). A version that does not parse, such as "v0.0.0-devel", behaves as the newest.
   */
  version?: string;
  /**
   * "v2": /api/v2/tasks and /api/experimental/tasks, as v2.29-v2.34; "experimental-only": as v2.26-v2.28;
   * "disabled": every task route 404, as v2.36+ without CODER_ENABLE_AI_TASKS. Default: from the version.
   */
  tasksApi?: TasksApi;
  /**
   * Move tasks on by themselves, one change every `stepMs`, as builds and the agent would (lifecycle.ts): created
   * tasks start, work and answer; sends get replies; pause and resume run their builds. Default: nothing moves.
   */
  lifecycle?: LifecycleOptions;
  /** Serve the whole API under this path, as a deployment behind a path prefix does. */
  pathPrefix?: string;
  /** Let the process exit while the server listens (for a simulator inside a process that ends on its own). */
  unref?: boolean;
  middleware?: Middleware;
}

export interface NewTemplate {
  name: string;
  displayName?: string;
  organizationId?: string;
  /** Whether the active version has a `coder_ai_task` resource; default true. */
  aiTask?: boolean;
  deprecated?: boolean;
  presets?: Array<{
    name: string;
    default?: boolean;
    description?: string;
    parameters?: Array<{ name: string; value: string }>;
  }>;
}

export interface NewTask {
  /** A username; default the authenticated user. */
  owner?: string;
  name: string;
  /** Default: the name. */
  displayName?: string;
  /** A template name; default the first template added. */
  template?: string;
  /** Default "active". */
  status?: TaskStatus;
  /** The agent's latest report; default none. */
  state?: StateReport | null;
  prompt?: string;
  /** Default: the prompt as one input entry. */
  logs?: Array<{ type: TaskLogType; content: string }>;
}

/** A task as Coder would serve it now, plus what only the simulator knows, to assert a request's effects. */
export interface StoredTask extends Task {
  /** The stored prompt (what initial_prompt reports), as changed by PATCH .../input. */
  prompt: string;
  deleted: boolean;
  /** The inputs received through POST .../send, in order. */
  sentInputs: string[];
  logs: TaskLogEntry[];
}

export class CoderSimulator {
  readonly url: string;
  readonly origin: string;
  /** The session token of `me`. */
  readonly token: string;
  readonly me: User;
  readonly features: Features;
  private readonly store: Store;
  private readonly lifecycle: Lifecycle | undefined;
  private readonly sessions = new Map<string, UserRecord>();
  private readonly sockets = new Set<Socket>();
  private readonly meRecord: UserRecord;

  private constructor(
    private readonly server: Server,
    port: number,
    opts: SimulatorOptions,
  ) {
    const prefix = (opts.pathPrefix ?? "").replace(/^\/*|\/*$/g, "");
    const pathPrefix = prefix === "" ? "" : `/${prefix}`;
    this.origin = `http://127.0.0.1:${port}`;
    this.url = this.origin + pathPrefix;
    this.token = opts.token ?? newToken();
    const version = opts.version ?? "v2.33.1+abc1234";
    this.features = featuresOf(version);
    this.store = new Store(this.features);
    this.lifecycle = opts.lifecycle && new Lifecycle(this.store, opts.lifecycle);
    this.meRecord = this.store.addUser({ username: "alice", name: "Alice Liddell", email: "alice@example.com" }, [
      { name: "owner", display_name: "Owner" },
    ]);
    this.me = userJson(this.store, this.meRecord);
    this.sessions.set(this.token, this.meRecord);
    const router = new Router({
      store: this.store,
      sessions: this.sessions,
      defaultActor: this.meRecord,
      deployment: { url: this.url, version, deploymentId: randomUUID() },
      pathPrefix,
      tasksApi: opts.tasksApi ?? (this.features.stableApi ? "v2" : "experimental-only"),
      middleware: opts.middleware,
      lifecycle: this.lifecycle,
    });
    if (opts.unref) server.unref();
    server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      if (opts.unref) socket.unref();
      socket.on("close", () => this.sockets.delete(socket));
    });
    server.on("request", (req, res) => {
      // A failure past the routes' own (which answer 500) leaves nothing sensible to answer.
      router.handle(req, res).catch(() => res.destroy());
    });
  }

  /** Listens on 127.0.0.1, on a free port. */
  static async start(opts: SimulatorOptions = {}): Promise<CoderSimulator> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("the simulated Coder has no TCP address");
    return new CoderSimulator(server, address.port, opts);
  }

  addUser(u: { username: string; name?: string; email?: string }): User {
    return userJson(this.store, this.store.addUser(u));
  }

  addOrganization(name: string, displayName = name): { id: string; name: string } {
    const { id } = this.store.addOrganization(name, displayName);
    return { id, name };
  }

  addTemplate(t: NewTemplate): {
    template: Template;
    activeVersionId: string;
    presets: Array<{ id: string; name: string }>;
  } {
    const organizationId = t.organizationId ?? this.store.defaultOrganization.id;
    if (!this.store.organizations.some((o) => o.id === organizationId)) {
      throw new Error(`no organization ${organizationId}: add it with addOrganization`);
    }
    const presets = (t.presets ?? []).map((p) => ({
      id: randomUUID(),
      name: p.name,
      isDefault: p.default ?? false,
      description: p.description ?? "",
      parameters: p.parameters ?? [],
    }));
    const template = this.store.addTemplate({
      name: t.name,
      displayName: t.displayName ?? "",
      organizationId,
      aiTask: t.aiTask ?? true,
      deprecated: t.deprecated ?? false,
      createdById: this.meRecord.id,
      presets,
    });
    return {
      template: templateJson(this.store, template),
      activeVersionId: template.activeVersionId,
      presets: presets.map(({ id, name }) => ({ id, name })),
    };
  }

  /** A task as if created earlier and then driven to `status` (with a log snapshot if paused); it does not move on. */
  addTask(t: NewTask): Task {
    const owner = t.owner === undefined ? this.meRecord : this.store.userByName(t.owner);
    if (!owner) throw new Error(`no user ${t.owner}: add it with addUser`);
    const template =
      t.template === undefined ? this.store.templates[0] : this.store.templates.find((x) => x.name === t.template);
    const version = template && this.store.versions.get(template.activeVersionId);
    if (!version) throw new Error(`no template ${t.template ?? ""}: add it with addTemplate`);
    if (this.store.liveTasks().some((x) => x.ownerId === owner.id && x.name.toLowerCase() === t.name.toLowerCase())) {
      throw new Error(`${owner.username} already has a task named ${t.name}`);
    }
    const prompt = t.prompt ?? "";
    const task = this.store.createTask({
      owner,
      name: t.name,
      displayName: t.displayName ?? t.name,
      version,
      prompt,
      initiatorId: this.meRecord.id,
      logs: t.logs ?? (prompt === "" ? [] : [{ type: "input", content: prompt }]),
    });
    this.store.setStatus(task, t.status ?? "active");
    if (t.state !== undefined) this.store.report(task, t.state);
    return taskJson(this.store, task);
  }

  /** By ID or name (the authenticated user's first, then anyone's; deleted tasks last). */
  getTask(idOrName: string): StoredTask | undefined {
    const task = this.findTask(idOrName);
    if (!task) return undefined;
    return {
      ...taskJson(this.store, task),
      prompt: task.prompt,
      deleted: task.deletedAt !== null,
      sentInputs: [...task.sentInputs],
      logs: [...task.logs],
    };
  }

  /** Also stops whatever the lifecycle was still going to do to the task. */
  setTaskStatus(idOrName: string, status: TaskStatus, state?: StateReport | null): void {
    const task = this.liveTask(idOrName);
    this.lifecycle?.cancel(task);
    this.store.setStatus(task, status);
    if (state !== undefined) this.store.report(task, state);
  }

  /**
   * Replaces the task's agent messages (what live logs return) with `entries`, as given: ids and times are the
   * caller's. Holds big logs cheaply (e.g. 10 000 entries of 2 KB).
   */
  setTaskLogs(idOrName: string, entries: TaskLogEntry[]): void {
    this.store.setLogs(this.liveTask(idOrName), entries);
  }

  /**
   * A new session token that signs in as `username`: `/users/me`, `me` in paths and `owner:me` resolve to that
   * user. `me` keeps its own token.
   */
  issueToken(username: string): string {
    const user = this.store.userByName(username);
    if (!user) throw new Error(`no user ${username}: add it with addUser`);
    const token = newToken();
    this.sessions.set(token, user);
    return token;
  }

  /** A task added as working answers, `afterMs` from now, then is idle (needs the lifecycle). */
  answerLater(idOrName: string, answer: { output: string; message: string }, afterMs: number): void {
    if (!this.lifecycle) throw new Error("answerLater needs the lifecycle option");
    this.lifecycle.answerLater(this.liveTask(idOrName), answer, afterMs);
  }

  /** Stops listening, destroys open sockets and clears the lifecycle's timers. */
  async close(): Promise<void> {
    this.lifecycle?.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private findTask(idOrName: string): TaskRecord | undefined {
    const key = idOrName.toLowerCase();
    const byId = this.store.tasks.find((t) => t.id === key);
    if (byId) return byId;
    const named = this.store.tasks.filter((t) => t.name.toLowerCase() === key);
    return (
      named.find((t) => t.deletedAt === null && t.ownerId === this.meRecord.id) ??
      named.find((t) => t.deletedAt === null) ??
      named.at(-1)
    );
  }

  private liveTask(idOrName: string): TaskRecord {
    const task = this.findTask(idOrName);
    if (!task || task.deletedAt !== null) throw new Error(`no live task ${idOrName}`);
    return task;
  }
}
