// The Coder client: one small method per endpoint of the Tasks API (after codersdk/aitasks.go), over one request
// core, on whichever task routes the deployment serves. It knows HTTP and Coder, nothing of MCP. Methods that build
// a path are async, so that a segment apiPath refuses rejects like any other failure instead of throwing.
import { AsyncLocalStorage } from "node:async_hooks";
import { apiPath } from "./api-path.js";
import { TaskRoutes } from "./deployment.js";
import { TaskNotFoundError } from "./errors.js";
import { HttpCore, type HttpOptions, type LogLevel } from "./http.js";
import { isUuid, parseTaskIdentifier, type TaskRef } from "./identifiers.js";
import { scanTaskLogs } from "./log-stream.js";
import type { CreateTaskRequest, LogSink, TaskFilter, TaskList, TemplateFilter } from "./requests.js";
import {
  type BuildInfo,
  BuildResponseSchema,
  type Preset,
  PresetListSchema,
  readTasks,
  type Task,
  TaskReadSchema,
  TasksListSchema,
  type Template,
  TemplateListSchema,
  TemplateSchema,
  type User,
  UserSchema,
  type WorkspaceBuild,
} from "./schemas.js";
import type { Feature } from "./versions.js";

export type { LogLevel } from "./http.js";
export type { CreateTaskRequest, LogSink, TaskFilter, TaskList, TemplateFilter } from "./requests.js";
export type LogListener = (level: LogLevel, message: string) => void;

type Signal = { signal?: AbortSignal };

/**
 * A log's body is streamed, so memory follows what the sink keeps, not the log: a live log is every message of the
 * agent's conversation, unpaginated. Its byte limit is therefore this many times the usual one; it still ends an
 * endless answer.
 */
const LOG_LIMIT_FACTOR = 8;

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

  /** Whether the deployment's Coder version has `feature`; throws for a release this server does not support. */
  has(feature: Feature, opts: Signal = {}): Promise<boolean> {
    return this.routes.has(feature, opts.signal);
  }

  /** Refuses, naming the version that brings it, when the deployment lacks `feature`; sends nothing else. */
  require(feature: Feature, opts: Signal = {}): Promise<void> {
    return this.routes.require(feature, opts.signal);
  }

  /** Values are quoted as the Go SDK quotes them (%q), so a value is always one search term. */
  async listTasks(filter: TaskFilter = {}, opts: Signal = {}): Promise<TaskList> {
    const terms: string[] = [];
    if (filter.owner) terms.push(`owner:${JSON.stringify(filter.owner)}`);
    if (filter.organization) terms.push(`organization:${JSON.stringify(filter.organization)}`);
    if (filter.status) terms.push(`status:${JSON.stringify(filter.status)}`);
    if (filter.terms) terms.push(filter.terms);
    const list = await this.routes.request({
      method: "GET",
      path: apiPath`/api/v2/tasks`,
      query: { q: terms.join(" ") },
      expect: 200,
      schema: TasksListSchema,
      ...opts,
    });
    return { ...readTasks(list.tasks), count: list.count };
  }

  async getTask(ref: TaskRef, opts: Signal = {}): Promise<Task> {
    return this.routes.request({
      method: "GET",
      path: apiPath`/api/v2/tasks/${ref.owner}/${ref.task}`,
      expect: 200,
      schema: TaskReadSchema,
      ...opts,
    });
  }

  /** Looks a task up by UUID, `name` or `owner/name`. */
  async resolveTask(identifier: string, opts: Signal = {}): Promise<Task> {
    const ref = parseTaskIdentifier(identifier);
    if (isUuid(ref.task) || (await this.routes.has("nameLookup", opts.signal))) return this.getTask(ref, opts);
    // v2.28 takes a UUID only in {task}: find the name among the owner's tasks, case-sensitively as its CLI does.
    const { tasks } = await this.listTasks({ owner: ref.owner }, opts);
    const task = tasks.find((t) => t.name === ref.task);
    if (!task) throw new TaskNotFoundError(identifier.trim());
    return task;
  }

  async createTask(user: string, req: CreateTaskRequest, opts: Signal = {}): Promise<Task> {
    return this.routes.request({
      method: "POST",
      path: apiPath`/api/v2/tasks/${user}`,
      body: req,
      expect: 201,
      schema: TaskReadSchema,
      ...opts,
    });
  }

  async deleteTask(ref: TaskRef, opts: Signal = {}): Promise<void> {
    return this.routes.request({
      method: "DELETE",
      path: apiPath`/api/v2/tasks/${ref.owner}/${ref.task}`,
      expect: 202,
      ...opts,
    });
  }

  /** Posts input to the agent. Coder answers before the agent does; never retry it blindly. */
  async sendTaskInput(ref: TaskRef, input: string, opts: Signal = {}): Promise<void> {
    return this.routes.request({
      method: "POST",
      path: apiPath`/api/v2/tasks/${ref.owner}/${ref.task}/send`,
      body: { input },
      expect: 204,
      ...opts,
    });
  }

  /** Replaces the stored prompt of a paused task; nothing reaches the agent. */
  async updateTaskInput(ref: TaskRef, input: string, opts: Signal = {}): Promise<void> {
    return this.routes.request(
      {
        method: "PATCH",
        path: apiPath`/api/v2/tasks/${ref.owner}/${ref.task}/input`,
        body: { input },
        expect: 204,
        ...opts,
      },
      "updateInput",
    );
  }

  async pauseTask(ref: TaskRef, opts: Signal = {}): Promise<WorkspaceBuild> {
    const res = await this.routes.request(
      {
        method: "POST",
        path: apiPath`/api/v2/tasks/${ref.owner}/${ref.task}/pause`,
        expect: 202,
        schema: BuildResponseSchema,
        ...opts,
      },
      "pauseResume",
    );
    return res.workspace_build;
  }

  async resumeTask(ref: TaskRef, opts: Signal = {}): Promise<WorkspaceBuild> {
    const res = await this.routes.request(
      {
        method: "POST",
        path: apiPath`/api/v2/tasks/${ref.owner}/${ref.task}/resume`,
        expect: 202,
        schema: BuildResponseSchema,
        ...opts,
      },
      "pauseResume",
    );
    return res.workspace_build;
  }

  /** Reads a task's log into a sink made afresh for each attempt (a failed read may be tried again). */
  async readTaskLogs<R>(ref: TaskRef, sink: () => LogSink<R>, opts: Signal = {}): Promise<R> {
    return this.routes.request({
      method: "GET",
      path: apiPath`/api/v2/tasks/${ref.owner}/${ref.task}/logs`,
      expect: 200,
      stream: async (chunks) => {
        const s = sink();
        const meta = await scanTaskLogs(chunks, (entry) => s.add(entry));
        return s.finish(meta);
      },
      limitFactor: LOG_LIMIT_FACTOR,
      ...opts,
    });
  }

  /** Values are quoted as in listTasks. */
  async listTemplates(filter: TemplateFilter, opts: Signal = {}): Promise<Template[]> {
    const terms: string[] = [];
    if (filter.aiTask) terms.push("has-ai-task:true");
    if (filter.exactName) terms.push(`exact_name:${JSON.stringify(filter.exactName)}`);
    if (filter.organization) terms.push(`organization:${JSON.stringify(filter.organization)}`);
    await this.routes.check(opts.signal);
    return this.http.request({
      method: "GET",
      path: apiPath`/api/v2/templates`,
      query: { q: terms.join(" ") },
      expect: 200,
      schema: TemplateListSchema,
      ...opts,
    });
  }

  async getTemplate(id: string, opts: Signal = {}): Promise<Template> {
    await this.routes.check(opts.signal);
    return this.http.request({
      method: "GET",
      path: apiPath`/api/v2/templates/${id}`,
      expect: 200,
      schema: TemplateSchema,
      ...opts,
    });
  }

  async getTemplateVersionPresets(versionId: string, opts: Signal = {}): Promise<Preset[]> {
    await this.routes.check(opts.signal);
    const presets = await this.http.request({
      method: "GET",
      path: apiPath`/api/v2/templateversions/${versionId}/presets`,
      expect: 200,
      schema: PresetListSchema,
      ...opts,
    });
    return presets ?? [];
  }

  async getUser(user: string, opts: Signal = {}): Promise<User> {
    return this.http.request({
      method: "GET",
      path: apiPath`/api/v2/users/${user}`,
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
