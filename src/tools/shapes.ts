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
  display_name: z.string().optional(),
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
    ...(task.display_name ? { display_name: task.display_name } : {}),
    status: task.status,
    state: task.current_state?.state ?? null,
    message: task.current_state?.message || null,
    template: task.template_display_name || task.template_name,
    created_at: task.created_at,
    updated_at: task.updated_at,
    uri: taskUri(task.owner_name, task.name),
  };
}

/** A full task with its resource URI. */
export function withUri<T extends Task>(task: T): T & { uri: string } {
  return { ...task, uri: taskUri(task.owner_name, task.name) };
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
