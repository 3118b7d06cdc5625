// The Coder client: one small method per endpoint of the Tasks API (after codersdk/aitasks.go), over one request
// core. It knows HTTP and Coder, nothing of MCP.
import { HttpCore, type HttpOptions } from "./http.js";
import { parseTaskIdentifier, type TaskRef } from "./identifiers.js";
import {
  type BuildInfo,
  BuildInfoSchema,
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

const TASKS = ["api", "v2", "tasks"];

export class CoderClient {
  private readonly http: HttpCore;

  constructor(options: HttpOptions) {
    this.http = new HttpCore(options);
  }

  /** The deployment's origin, for messages. */
  get origin(): string {
    return this.http.origin;
  }

  /** Values are quoted as the Go SDK quotes them (%q), so a value is always one search term. */
  async listTasks(filter: TaskFilter = {}, opts: Signal = {}): Promise<{ tasks: Task[]; count: number }> {
    const terms: string[] = [];
    if (filter.owner) terms.push(`owner:${JSON.stringify(filter.owner)}`);
    if (filter.organization) terms.push(`organization:${JSON.stringify(filter.organization)}`);
    if (filter.status) terms.push(`status:${JSON.stringify(filter.status)}`);
    if (filter.terms) terms.push(filter.terms);
    return this.http.request({
      method: "GET",
      segments: TASKS,
      query: { q: terms.join(" ") },
      expect: 200,
      schema: TasksListSchema,
      ...opts,
    });
  }

  getTask(ref: TaskRef, opts: Signal = {}): Promise<Task> {
    return this.http.request({
      method: "GET",
      segments: [...TASKS, ref.owner, ref.task],
      expect: 200,
      schema: TaskSchema,
      ...opts,
    });
  }

  /** Looks a task up by UUID, `name` or `owner/name`. */
  resolveTask(identifier: string, opts: Signal = {}): Promise<Task> {
    return this.getTask(parseTaskIdentifier(identifier), opts);
  }

  createTask(user: string, req: CreateTaskRequest, opts: Signal = {}): Promise<Task> {
    return this.http.request({
      method: "POST",
      segments: [...TASKS, user],
      body: req,
      expect: 201,
      schema: TaskSchema,
      ...opts,
    });
  }

  deleteTask(ref: TaskRef, opts: Signal = {}): Promise<void> {
    return this.http.request({ method: "DELETE", segments: [...TASKS, ref.owner, ref.task], expect: 202, ...opts });
  }

  /** Posts input to the agent. Coder answers before the agent does; never retry it blindly. */
  sendTaskInput(ref: TaskRef, input: string, opts: Signal = {}): Promise<void> {
    return this.http.request({
      method: "POST",
      segments: [...TASKS, ref.owner, ref.task, "send"],
      body: { input },
      expect: 204,
      ...opts,
    });
  }

  /** Replaces the stored prompt of a paused task; nothing reaches the agent. */
  updateTaskInput(ref: TaskRef, input: string, opts: Signal = {}): Promise<void> {
    return this.http.request({
      method: "PATCH",
      segments: [...TASKS, ref.owner, ref.task, "input"],
      body: { input },
      expect: 204,
      ...opts,
    });
  }

  async pauseTask(ref: TaskRef, opts: Signal = {}): Promise<WorkspaceBuild> {
    const res = await this.http.request({
      method: "POST",
      segments: [...TASKS, ref.owner, ref.task, "pause"],
      expect: 202,
      schema: BuildResponseSchema,
      ...opts,
    });
    return res.workspace_build;
  }

  async resumeTask(ref: TaskRef, opts: Signal = {}): Promise<WorkspaceBuild> {
    const res = await this.http.request({
      method: "POST",
      segments: [...TASKS, ref.owner, ref.task, "resume"],
      expect: 202,
      schema: BuildResponseSchema,
      ...opts,
    });
    return res.workspace_build;
  }

  getTaskLogs(ref: TaskRef, opts: Signal = {}): Promise<TaskLogs> {
    return this.http.request({
      method: "GET",
      segments: [...TASKS, ref.owner, ref.task, "logs"],
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
    return this.http.request({
      method: "GET",
      segments: ["api", "v2", "buildinfo"],
      expect: 200,
      schema: BuildInfoSchema,
      ...opts,
    });
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
