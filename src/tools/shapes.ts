// Parameters and result shapes shared by several tools, defined once.
import { z } from "zod";
import { isUuid } from "../coder/identifiers.js";
import type { Task, WorkspaceBuild } from "../coder/schemas.js";
import { STATE_TEXT, STATUS_TEXT, TaskStatusSchema } from "../coder/schemas.js";
import { taskUri } from "../format/task-uris.js";

/** The most input a tool sends to an agent or stores as a prompt, in characters. */
export const INPUT_MAX = 100_000;

export const taskIdArg = z.string().min(1).max(200).describe("Task ID, name (yours) or owner/name.");

export const userArg = z.string().min(1).max(64).describe('A Coder user: "me" (default), a username, or a user ID.');

/** Checked here, not by z.uuid(): its JSON Schema carries a long pattern into every model's context. */
export const uuidArg = z.string().refine(isUuid, "must be a UUID");

export const inputArg = z
  .string()
  .max(INPUT_MAX)
  .refine((s) => s.trim() !== "", "input must not be empty");

export const statusArg = TaskStatusSchema.describe("Only tasks with this status.");

/** The task's resource URI, in every result that names a task, whether or not resource links are sent. */
export const taskUriField = z.string().describe("The task's resource URI (coder://tasks/{owner}/{task}).");

export const TaskSummarySchema = z.object({
  id: z.string(),
  owner: z.string().describe("Owner's username."),
  name: z.string().describe("Task name; owner/name identifies the task."),
  display_name: z.string().optional().describe("A title, when it differs from the name."),
  status: z.string().describe(STATUS_TEXT),
  state: z.string().nullable().describe(STATE_TEXT),
  message: z.string().nullable().describe("The agent's last status message."),
  template: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  uri: taskUriField,
});
export type TaskSummary = z.infer<typeof TaskSummarySchema>;

export function summarizeTask(task: Task): TaskSummary {
  return {
    id: task.id,
    owner: task.owner_name,
    name: task.name,
    ...(task.display_name && task.display_name !== task.name ? { display_name: task.display_name } : {}),
    status: task.status,
    state: task.current_state?.state ?? null,
    message: task.current_state?.message || null,
    template: task.template_display_name || task.template_name,
    created_at: task.created_at,
    updated_at: task.updated_at,
    uri: taskUri(task.owner_name, task.name),
  };
}

export const detailArg = z.enum(["compact", "full"]).describe("full adds Coder's internal IDs and fields.");

/**
 * A task as get and create return it: the summary without what a model rarely needs (the creation time; state and
 * message before the agent reports), what to do next, and Coder's other fields when asked.
 */
export const TaskViewSchema = TaskSummarySchema.omit({ created_at: true }).extend({
  state: z.string().optional().describe(STATE_TEXT),
  message: z.string().optional().describe("The agent's last status message."),
  next: z.string().describe("What to do next with this task."),
});
export type TaskView = z.infer<typeof TaskViewSchema> & Record<string, unknown>;

// Shown by the view under other names, or not at all.
const SUMMARIZED = new Set([
  "id",
  "owner_name",
  "name",
  "display_name",
  "status",
  "current_state",
  "template_display_name",
  "updated_at",
]);

export function taskView(task: Task, detail: "compact" | "full" = "compact"): TaskView {
  const { created_at: _, state, message, ...summary } = summarizeTask(task);
  const view: TaskView = {
    ...summary,
    ...(state !== null ? { state } : {}),
    ...(message !== null ? { message } : {}),
    next: nextStep(task),
  };
  if (detail === "compact") return view;
  for (const [key, value] of Object.entries(task)) {
    if (!SUMMARIZED.has(key) && !(key === "template_name" && value === view.template)) view[key] = value;
  }
  if (task.current_state) view.state_at = task.current_state.timestamp;
  if (task.current_state?.uri) view.state_uri = task.current_state.uri;
  return view;
}

function nextStep(task: Task): string {
  const state = task.current_state?.state;
  switch (task.status) {
    case "pending":
    case "initializing":
      return "Starting: call coder_wait_for_task.";
    case "active":
      if (state === "idle" || state === "complete") {
        return "Turn over: read coder_get_task_logs, reply with coder_send_task_input.";
      }
      if (state === "failed") return "Failed: read why in coder_get_task_logs.";
      return "Working: call coder_wait_for_task.";
    case "paused":
      return "Paused: coder_resume_task restarts it.";
    case "error":
      return "Its workspace failed: check it in Coder, or delete the task.";
    default:
      return "Coder cannot tell its state now: check again later.";
  }
}

export const BuildSummarySchema = z.object({
  id: z.string(),
  transition: z.string().describe("start, stop or delete."),
  status: z.string().describe("The workspace build's status, usually pending right after the call."),
  build_number: z.number().int().optional(),
});

/** What pause and resume return: the build they queued and the task after it. */
export const BuildResultShape = { build: BuildSummarySchema, task: TaskSummarySchema };

export function summarizeBuild(build: WorkspaceBuild): z.infer<typeof BuildSummarySchema> {
  return {
    id: build.id,
    transition: build.transition,
    status: build.status,
    ...(build.build_number !== undefined ? { build_number: build.build_number } : {}),
  };
}
