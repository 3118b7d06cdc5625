// The in-memory deployment: organizations, users, templates with their versions and presets, and tasks with builds.
import { randomUUID } from "node:crypto";
import {
  type Build,
  Clock,
  type Organization,
  type TaskRecord,
  type TemplateRecord,
  type TemplateVersion,
  type UserRecord,
} from "./model.js";
import { SHAPES } from "./status.js";
import type {
  AgentLifecycle,
  AppHealth,
  ProvisionerJobStatus,
  SlimRole,
  TaskLogEntry,
  TaskLogType,
  TaskState,
  TaskStatus,
  WorkspaceTransition,
} from "./types.js";
import type { Features } from "./version.js";

/** AgentAPI snapshots hold the last 10 to 30 messages (BEHAVIOR.md, Logs). */
const SNAPSHOT_SIZE = 30;

export interface TaskInit {
  owner: UserRecord;
  name: string;
  displayName: string;
  version: TemplateVersion;
  prompt: string;
  presetId?: string;
  initiatorId: string;
  logs: Array<{ type: TaskLogType; content: string }>;
}

export interface StateReport {
  state: TaskState;
  message: string;
}

export class Store {
  readonly clock = new Clock();
  readonly organizations: Organization[] = [];
  readonly users: UserRecord[] = [];
  readonly templates: TemplateRecord[] = [];
  readonly versions = new Map<string, TemplateVersion>();
  readonly tasks: TaskRecord[] = [];
  readonly defaultOrganization: Organization;

  /** `features`: what the deployment's Coder version serves. */
  constructor(readonly features: Features) {
    this.defaultOrganization = this.addOrganization("coder", "Coder");
  }

  addOrganization(name: string, displayName: string): Organization {
    const org = { id: randomUUID(), name, displayName };
    this.organizations.push(org);
    return org;
  }

  addUser(u: { username: string; name?: string; email?: string }, roles: SlimRole[] = []): UserRecord {
    if (this.userByName(u.username)) throw new Error(`user ${u.username} already exists`);
    const user = {
      id: randomUUID(),
      username: u.username,
      name: u.name ?? "",
      email: u.email ?? `${u.username}@example.com`,
      createdAt: this.clock.now(),
      roles,
    };
    this.users.push(user);
    return user;
  }

  /** The active version and its presets come with the template. */
  addTemplate(t: {
    name: string;
    displayName: string;
    organizationId: string;
    aiTask: boolean;
    deprecated: boolean;
    createdById: string;
    presets: TemplateVersion["presets"];
  }): TemplateRecord {
    const template: TemplateRecord = {
      id: randomUUID(),
      name: t.name,
      displayName: t.displayName,
      organizationId: t.organizationId,
      activeVersionId: randomUUID(),
      deprecated: t.deprecated,
      createdById: t.createdById,
      createdAt: this.clock.now(),
    };
    this.templates.push(template);
    this.versions.set(template.activeVersionId, {
      id: template.activeVersionId,
      name: "v1",
      templateId: template.id,
      aiTask: t.aiTask,
      presets: t.presets,
    });
    return template;
  }

  /** A new task whose workspace's first build is queued: status `pending`. */
  createTask(t: TaskInit): TaskRecord {
    const template = this.templateOf(t.version);
    const now = this.clock.now();
    const task: TaskRecord = {
      id: randomUUID(),
      name: t.name,
      displayName: t.displayName,
      ownerId: t.owner.id,
      organizationId: template.organizationId,
      templateId: template.id,
      templateVersionId: t.version.id,
      prompt: t.prompt,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
      workspaceId: randomUUID(),
      builds: [],
      agentId: randomUUID(),
      appId: randomUUID(),
      lifecycle: null,
      appHealth: null,
      appStatus: null,
      logs: [],
      snapshot: null,
      sentInputs: [],
    };
    this.tasks.push(task);
    this.queueBuild(task, "start", t.initiatorId, t.presetId);
    for (const log of t.logs) this.appendLog(task, log.type, log.content);
    return task;
  }

  templateOf(version: TemplateVersion): TemplateRecord {
    const template = this.templates.find((t) => t.id === version.templateId);
    if (!template) throw new Error(`template version ${version.id} has no template`);
    return template;
  }

  userById(id: string): UserRecord | undefined {
    return this.users.find((u) => u.id === id);
  }

  /** Usernames are matched case-insensitively, like Coder's LOWER(username) lookups. */
  userByName(username: string): UserRecord | undefined {
    return this.users.find((u) => u.username.toLowerCase() === username.toLowerCase());
  }

  organizationByNameOrId(value: string): Organization | undefined {
    return this.organizations.find((o) => o.id === value || o.name.toLowerCase() === value.toLowerCase());
  }

  liveTasks(): TaskRecord[] {
    return this.tasks.filter((t) => t.deletedAt === null);
  }

  /** A new build of the task's workspace, its job queued (`pending`). */
  queueBuild(task: TaskRecord, transition: WorkspaceTransition, initiatorId: string, presetId?: string): Build {
    const now = this.clock.now();
    const build: Build = {
      id: randomUUID(),
      jobId: randomUUID(),
      number: task.builds.length + 1,
      transition,
      jobStatus: "pending",
      templateVersionId: task.templateVersionId,
      presetId,
      initiatorId,
      createdAt: now,
      updatedAt: now,
      startedAt: undefined,
      completedAt: undefined,
    };
    task.builds.push(build);
    task.updatedAt = now;
    return build;
  }

  /**
   * Puts the task in the raw state that derives to `status` (status.ts SHAPES), with a new build when the
   * transition changes. Reaching `paused` uploads a log snapshot, as the workspace does when it stops.
   */
  setStatus(task: TaskRecord, status: TaskStatus): void {
    const shape = SHAPES[status];
    const latest = task.builds.at(-1);
    const build =
      latest && latest.transition === shape.transition
        ? latest
        : this.queueBuild(task, shape.transition, task.ownerId, latest?.presetId);
    this.setJob(task, build, shape.jobStatus);
    this.setAgent(task, shape.lifecycle, shape.appHealth);
    if (status === "paused") this.takeSnapshot(task);
  }

  /** Moves a build's job on, stamping its start and end as the provisioner does. */
  setJob(task: TaskRecord, build: Build, jobStatus: ProvisionerJobStatus): void {
    const now = this.clock.now();
    build.jobStatus = jobStatus;
    build.updatedAt = now;
    if (jobStatus !== "pending") build.startedAt ??= now;
    build.completedAt = ["succeeded", "failed", "canceled"].includes(jobStatus) ? now : undefined;
    task.updatedAt = now;
  }

  /** The agent's lifecycle and the task app's health (null: none in the latest build). */
  setAgent(task: TaskRecord, lifecycle: AgentLifecycle | null, appHealth: AppHealth | null): void {
    task.lifecycle = lifecycle;
    task.appHealth = appHealth;
    task.updatedAt = this.clock.now();
  }

  /** What the workspace's AgentAPI module uploads when it stops: the last messages, stamped. */
  takeSnapshot(task: TaskRecord): void {
    const now = this.clock.now();
    task.snapshot = { logs: task.logs.slice(-SNAPSHOT_SIZE), takenAt: now };
    task.updatedAt = now;
  }

  /** What the agent reports through `coder_report_task`; null clears it. */
  report(task: TaskRecord, state: StateReport | null): void {
    const now = this.clock.now();
    task.appStatus = state && { ...state, uri: "", createdAt: now };
    task.updatedAt = now;
  }

  /** AgentAPI numbers messages in order: one more than the last, whatever the first was. */
  appendLog(task: TaskRecord, type: TaskLogType, content: string): void {
    const id = (task.logs.at(-1)?.id ?? -1) + 1;
    task.logs.push({ id, content, type, time: this.clock.now() });
  }

  /** Replaces the agent's messages with `entries`, kept as given (no copy per entry: they may be many and big). */
  setLogs(task: TaskRecord, entries: TaskLogEntry[]): void {
    task.logs = [...entries];
    task.updatedAt = this.clock.now();
  }

  /** Deleting queues a delete build and soft-deletes the task at once; the caller runs the build. */
  delete(task: TaskRecord, initiatorId: string): Build {
    const build = this.queueBuild(task, "delete", initiatorId);
    task.deletedAt = this.clock.now();
    return build;
  }

  buildById(id: string): { task: TaskRecord; build: Build } | undefined {
    for (const task of this.tasks) {
      const build = task.builds.find((b) => b.id === id);
      if (build) return { task, build };
    }
    return undefined;
  }
}
