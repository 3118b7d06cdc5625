// Task status and current_state, derived from the stored build, agent and app exactly as
// BEHAVIOR.md "How task status is computed" describes (SQL view tasks_with_status, deriveTaskCurrentState).
import type { Build, TaskRecord } from "./model.js";
import type {
  AgentLifecycle,
  AppHealth,
  ProvisionerJobStatus,
  TaskStateEntry,
  TaskStatus,
  WorkspaceStatus,
  WorkspaceTransition,
} from "./types.js";
import type { Features } from "./version.js";

export const TASK_STATUSES: readonly TaskStatus[] = ["pending", "initializing", "active", "paused", "unknown", "error"];

/** Stage 1: the latest build. */
function buildStage(build: Build | undefined): TaskStatus {
  if (!build) return "pending";
  const { transition, jobStatus } = build;
  if (jobStatus === "failed" || jobStatus === "canceling" || jobStatus === "canceled") return "error";
  if ((transition === "stop" || transition === "delete") && jobStatus === "succeeded") return "paused";
  if (transition === "start" && jobStatus === "pending") return "pending";
  if (transition === "start" && (jobStatus === "running" || jobStatus === "succeeded")) return "active";
  // Includes a stop that is still running, i.e. while pausing.
  return "unknown";
}

/** Stage 2: the agent lifecycle (null: no agent). */
function agentStage(lifecycle: AgentLifecycle | null): TaskStatus {
  if (lifecycle === null || lifecycle === "created" || lifecycle === "starting") return "initializing";
  if (lifecycle === "ready" || lifecycle === "start_timeout" || lifecycle === "start_error") return "active";
  return "unknown";
}

/** Stage 3: the task app's health (null: no app). */
function appStage(health: AppHealth | null): TaskStatus {
  if (health === "initializing") return "initializing";
  if (health === "unhealthy") return "error";
  if (health === "healthy" || health === "disabled") return "active";
  return "unknown";
}

/** The first stage that is not `active` wins. */
export function deriveStatus(task: TaskRecord): TaskStatus {
  for (const stage of [buildStage(task.builds.at(-1)), agentStage(task.lifecycle), appStage(task.appHealth)]) {
    if (stage !== "active") return stage;
  }
  return "active";
}

/** codersdk's convertWorkspaceStatus: the workspace status of a build's job and transition. */
export function workspaceStatus(build: Build): WorkspaceStatus {
  switch (build.jobStatus) {
    case "pending":
      return "pending";
    case "running":
      return ({ start: "starting", stop: "stopping", delete: "deleting" } as const)[build.transition];
    case "succeeded":
      return ({ start: "running", stop: "stopped", delete: "deleted" } as const)[build.transition];
    default:
      return build.jobStatus;
  }
}

interface Shape {
  transition: WorkspaceTransition;
  jobStatus: ProvisionerJobStatus;
  lifecycle: AgentLifecycle | null;
  appHealth: AppHealth | null;
}

/** The raw state the simulator stores for each task status; deriveStatus maps each shape back to its status. */
export const SHAPES: Record<TaskStatus, Shape> = {
  pending: { transition: "start", jobStatus: "pending", lifecycle: null, appHealth: null },
  initializing: { transition: "start", jobStatus: "succeeded", lifecycle: "starting", appHealth: "initializing" },
  active: { transition: "start", jobStatus: "succeeded", lifecycle: "ready", appHealth: "healthy" },
  paused: { transition: "stop", jobStatus: "succeeded", lifecycle: "off", appHealth: "healthy" },
  unknown: { transition: "stop", jobStatus: "running", lifecycle: "shutting_down", appHealth: "healthy" },
  error: { transition: "start", jobStatus: "failed", lifecycle: null, appHealth: null },
};

/**
 * deriveTaskCurrentState: the agent's latest report, unless it predates the latest start build (its state copied
 * as it is before v2.32, where a failure is "failure"); while initializing without one, from v2.29 a synthesized
 * "working" entry saying what is being waited for.
 */
export function deriveCurrentState(task: TaskRecord, status: TaskStatus, features: Features): TaskStateEntry | null {
  const build = task.builds.at(-1);
  const report = task.appStatus;
  if (report && (build?.transition !== "start" || report.createdAt > build.createdAt)) {
    const state = report.state === "failed" && !features.failedState ? "failure" : report.state;
    return { timestamp: report.createdAt, state, message: report.message, uri: report.uri };
  }
  if (status !== "initializing" || !build || !features.initializingState) return null;
  return { timestamp: build.createdAt, state: "working", message: initializingMessage(task, build), uri: "" };
}

function initializingMessage(task: TaskRecord, build: Build): string {
  const wsStatus = workspaceStatus(build);
  if (wsStatus === "pending" || wsStatus === "starting") return `Workspace is ${wsStatus}`;
  switch (task.lifecycle) {
    case null:
      return "Initializing workspace";
    case "created":
      return "Agent is connecting";
    case "starting":
      return "Agent is starting";
    case "ready":
      return task.appHealth === "initializing" ? "App is initializing" : "Initializing workspace applications";
    default:
      return "Initializing workspace agent";
  }
}
