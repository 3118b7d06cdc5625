// The Coder client: one small method per endpoint of the Tasks API (after codersdk/aitasks.go), over one request
// core, on whichever task routes the deployment serves. It knows HTTP and Coder, nothing of MCP.
import { AsyncLocalStorage } from "node:async_hooks";
import { TaskRoutes } from "./deployment.js";
import { TaskNotFoundError } from "./errors.js";
import { HttpCore, type HttpOptions, type LogLevel } from "./http.js";
import { isUuid, parseTaskIdentifier, type TaskRef } from "./identifiers.js";
import {
  type BuildInfo,
  BuildResponseSchema,
  type Preset,
  PresetListSchema,
  type Task,
  type TaskLogs,
  TaskLogsSchema,
  TaskSchema,
  type TaskStatus,
  TasksListSchema,
  type Template,
  TemplateListSchema,
  TemplateSchema,
  type User,
  UserSchema,
  type WorkspaceBuild,
} from "./schemas.js";
import { hasFeature } from "./versions.js";

export type { LogLevel } from "./http.js";
export type LogListener = (level: LogLevel, message: string) => void;

export interface TaskFilter {
  /** Username, user UUID or `me`; absent lists every task the caller may read. */
  owner?: string;
  organization?: string;
  status?: TaskStatus;
  /** Raw search terms appended as they are, e.g. `status:active`. */
  terms?: string;
}

export interface CreateTaskRequest {
  template_version_id: string;
  template_version_preset_id?: string;
  input: string;
  name?: string;
  display_name?: string;
}

type Signal = { signal?: AbortSignal };

export class CoderClient {
  private readonly http: HttpCore;
  private readonly routes: TaskRoutes;
  /** Where the work in progress reports: one client may serve several MCP sessions, each with its own. */
  private readonly logSink = new AsyncLocalStorage<LogListener>();

  constructor(options: Omit<HttpOptions, "log">) {
    this.http = new HttpCore({ ...options, log: (level, message) => this.log(level, message) });
    this.routes = new TaskRoutes(this.http, (level, message) => this.log(level, message));
  }

  /** The deployment's origin, for messages. */
  get origin(): string {
    return this.http.origin;
  }

  /**
   * Runs `work` with `sink` receiving the fallbacks, retries and slow answers of every request it starts (timers and
   * promises it creates included), and no one else's.
   */
  withLog<T>(sink: LogListener, work: () => T): T {
    return this.logSink.run(sink, work);
  }

  private log(level: LogLevel, message: string): void {
    this.logSink.getStore()?.(level, message);
  }

  /** Values are quoted as the Go SDK quotes them (%q), so a value is always one search term. */
  listTasks(filter: TaskFilter = {}, opts: Signal = {}): Promise<{ tasks: Task[]; count: number }> {
    const terms: string[] = [];
    if (filter.owner) terms.push(`owner:${JSON.stringify(filter.owner)}`);
    if (filter.organization) terms.push(`organization:${JSON.stringify(filter.organization)}`);
    if (filter.status) terms.push(`status:${JSON.stringify(filter.status)}`);
    if (filter.terms) terms.push(filter.terms);
    return this.routes.request([], {
      method: "GET",
      query: { q: terms.join(" ") },
      expect: 200,
      schema: TasksListSchema,
      ...opts,
    });
  }

  getTask(ref: TaskRef, opts: Signal = {}): Promise<Task> {
    return this.routes.request([ref.owner, ref.task], { method: "GET", expect: 200, schema: TaskSchema, ...opts });
  }

  /** Looks a task up by UUID, `name` or `owner/name`. */
  async resolveTask(identifier: string, opts: Signal = {}): Promise<Task> {
    const ref = parseTaskIdentifier(identifier);
    if (isUuid(ref.task) || hasFeature(await this.routes.version(opts.signal), "nameLookup")) {
      return this.getTask(ref, opts);
    }
    // Before v2.29 {task} is a UUID only: find the name among the owner's tasks, as Coder does, ignoring case.
    const { tasks } = await this.listTasks({ owner: ref.owner }, opts);
    const task = tasks.find((t) => t.name.toLowerCase() === ref.task.toLowerCase());
    if (!task) throw new TaskNotFoundError(identifier);
    return task;
  }

  createTask(user: string, req: CreateTaskRequest, opts: Signal = {}): Promise<Task> {
    return this.routes.request([user], { method: "POST", body: req, expect: 201, schema: TaskSchema, ...opts });
  }

  deleteTask(ref: TaskRef, opts: Signal = {}): Promise<void> {
    return this.routes.request([ref.owner, ref.task], { method: "DELETE", expect: 202, ...opts });
  }

  /** Posts input to the agent. Coder answers before the agent does; never retry it blindly. */
  sendTaskInput(ref: TaskRef, input: string, opts: Signal = {}): Promise<void> {
    return this.routes.request([ref.owner, ref.task, "send"], {
      method: "POST",
      body: { input },
      expect: 204,
      ...opts,
    });
  }

  /** Replaces the stored prompt of a paused task; nothing reaches the agent. */
  updateTaskInput(ref: TaskRef, input: string, opts: Signal = {}): Promise<void> {
    return this.routes.request(
      [ref.owner, ref.task, "input"],
      { method: "PATCH", body: { input }, expect: 204, ...opts },
      "updateInput",
    );
  }

  async pauseTask(ref: TaskRef, opts: Signal = {}): Promise<WorkspaceBuild> {
    const res = await this.routes.request(
      [ref.owner, ref.task, "pause"],
      { method: "POST", expect: 202, schema: BuildResponseSchema, ...opts },
      "pauseResume",
    );
    return res.workspace_build;
  }

  async resumeTask(ref: TaskRef, opts: Signal = {}): Promise<WorkspaceBuild> {
    const res = await this.routes.request(
      [ref.owner, ref.task, "resume"],
      { method: "POST", expect: 202, schema: BuildResponseSchema, ...opts },
      "pauseResume",
    );
    return res.workspace_build;
  }

  getTaskLogs(ref: TaskRef, opts: Signal = {}): Promise<TaskLogs> {
    return this.routes.request([ref.owner, ref.task, "logs"], {
      method: "GET",
      expect: 200,
      schema: TaskLogsSchema,
      ...opts,
    });
  }

  /** Templates matching a `q` search, e.g. `has-ai-task:true` or `exact_name:"x"`. */
  listTemplates(q: string, opts: Signal = {}): Promise<Template[]> {
    return this.http.request({
      method: "GET",
      segments: ["api", "v2", "templates"],
      query: { q },
      expect: 200,
      schema: TemplateListSchema,
      ...opts,
    });
  }

  getTemplate(id: string, opts: Signal = {}): Promise<Template> {
    return this.http.request({
      method: "GET",
      segments: ["api", "v2", "templates", id],
      expect: 200,
      schema: TemplateSchema,
      ...opts,
    });
  }

  async getTemplateVersionPresets(versionId: string, opts: Signal = {}): Promise<Preset[]> {
    const presets = await this.http.request({
      method: "GET",
      segments: ["api", "v2", "templateversions", versionId, "presets"],
      expect: 200,
      schema: PresetListSchema,
      ...opts,
    });
    return presets ?? [];
  }

  getUser(user: string, opts: Signal = {}): Promise<User> {
    return this.http.request({
      method: "GET",
      segments: ["api", "v2", "users", user],
      expect: 200,
      schema: UserSchema,
      ...opts,
    });
  }

  getBuildInfo(opts: Signal = {}): Promise<BuildInfo> {
    return this.routes.buildInfo(opts.signal);
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
