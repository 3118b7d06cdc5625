// What the simulator stores. Wire JSON is derived from these records (serialize.ts), never stored.
import type {
  AgentLifecycle,
  AppHealth,
  ProvisionerJobStatus,
  SlimRole,
  TaskLogEntry,
  TaskState,
  WorkspaceTransition,
} from "./types.js";

export interface Organization {
  id: string;
  name: string;
  displayName: string;
}

export interface UserRecord {
  id: string;
  username: string;
  name: string;
  email: string;
  createdAt: string;
  roles: SlimRole[];
}

export interface TemplateRecord {
  id: string;
  name: string;
  displayName: string;
  organizationId: string;
  activeVersionId: string;
  deprecated: boolean;
  createdById: string;
  createdAt: string;
}

export interface PresetRecord {
  id: string;
  name: string;
  isDefault: boolean;
  description: string;
  parameters: Array<{ name: string; value: string }>;
}

export interface TemplateVersion {
  id: string;
  name: string;
  templateId: string;
  /** Whether the version has a `coder_ai_task` resource. */
  aiTask: boolean;
  presets: PresetRecord[];
}

export interface Build {
  id: string;
  jobId: string;
  number: number;
  transition: WorkspaceTransition;
  jobStatus: ProvisionerJobStatus;
  templateVersionId: string;
  presetId: string | undefined;
  initiatorId: string;
  createdAt: string;
  updatedAt: string;
  startedAt: string | undefined;
  completedAt: string | undefined;
}

/** The agent's latest report through `coder_report_task` (a workspace app status). */
export interface AppStatus {
  state: TaskState;
  message: string;
  uri: string;
  createdAt: string;
}

export interface TaskRecord {
  id: string;
  name: string;
  displayName: string;
  ownerId: string;
  organizationId: string;
  templateId: string;
  templateVersionId: string;
  prompt: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  workspaceId: string;
  builds: Build[];
  /** The agent and the task app; both are reported only while the agent has a lifecycle state. */
  agentId: string;
  appId: string;
  lifecycle: AgentLifecycle | null;
  appHealth: AppHealth | null;
  appStatus: AppStatus | null;
  logs: TaskLogEntry[];
  /** The log snapshot the workspace uploads when it stops. */
  snapshot: { logs: TaskLogEntry[]; takenAt: string } | null;
  sentInputs: string[];
}

/** Hands out strictly increasing timestamps, so that "newer than the latest build" is never a tie. */
export class Clock {
  private last = 0;

  now(): string {
    this.last = Math.max(Date.now(), this.last + 1);
    return new Date(this.last).toISOString();
  }
}
