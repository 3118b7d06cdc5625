// zod schemas of the Coder JSON this server reads. A tolerant reader: objects are loose (Coder adds fields between
// versions) and enums are plain strings (ESR patch releases can add values), so a value we do not know passes
// through as it is, never failing a call. Optional marks what Coder omits (omitempty) or what v2.28 does not send.
import { z } from "zod";

/** A Go slice: a nil one is sent as null, and omitempty leaves it out. */
function goSlice<T extends z.ZodType>(item: T) {
  return z.array(item).nullable().optional();
}

/** The task statuses this server knows; Coder may send another, which is passed through. */
export const TASK_STATUSES = ["pending", "initializing", "active", "paused", "unknown", "error"] as const;
/** For filters the caller chooses; what Coder sends is read as a plain string. */
export const TaskStatusSchema = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

export const STATUS_TEXT =
  "pending, initializing, active, paused, unknown or error; a newer value is passed through as Coder sent it.";
export const STATE_TEXT =
  "What the agent last reported: working, idle, complete or failed; a newer value is passed through as Coder sent it.";

export const TaskStateEntrySchema = z.looseObject({
  timestamp: z.string(),
  state: z.string().describe(STATE_TEXT),
  message: z.string(),
  uri: z.string().optional(),
});

export const TaskSchema = z.looseObject({
  id: z.string(),
  organization_id: z.string().optional(),
  owner_id: z.string(),
  owner_name: z.string(),
  owner_avatar_url: z.string().optional(),
  name: z.string(),
  display_name: z.string().optional(),
  template_id: z.string(),
  template_version_id: z.string().optional(),
  template_name: z.string(),
  template_display_name: z.string().optional(),
  template_icon: z.string().optional(),
  // uuid.NullUUID: a UUID string or null on the wire.
  workspace_id: z.string().nullable().optional(),
  workspace_name: z.string().optional(),
  workspace_status: z.string().optional(),
  workspace_build_number: z.number().int().optional(),
  workspace_agent_id: z.string().nullable().optional(),
  workspace_agent_lifecycle: z.string().nullable().optional(),
  workspace_agent_health: z.unknown().optional(),
  workspace_app_id: z.string().nullable().optional(),
  initial_prompt: z.string().optional(),
  status: z.string().describe(STATUS_TEXT),
  // v2.28 sends null while the task initializes; v2.29+ synthesise a "working" entry.
  current_state: TaskStateEntrySchema.nullable().optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Task = z.infer<typeof TaskSchema>;

/**
 * v2.28 to v2.31.x copy the app status into current_state.state as it is, so an agent's failure arrives as
 * "failure"; v2.32 maps it to "failed". Read both as "failed", as v2.32+ send it.
 */
function readTask(task: Task): Task {
  const state = task.current_state;
  return state?.state === "failure" ? { ...task, current_state: { ...state, state: "failed" } } : task;
}

/** A task as the server reads it: TaskSchema, with the agent's state spelled as v2.32+ spell it. */
export const TaskReadSchema = TaskSchema.transform(readTask);

/** Each task is read on its own (readTasks), so that one malformed task costs that task, not the list. */
export const TasksListSchema = z.looseObject({
  tasks: z.array(z.unknown()),
  count: z.number().int(),
});

export interface SkippedTask {
  /** The task's id (or name, or position) as far as it could be read. */
  task: string;
  problem: string;
}

export function readTasks(raw: unknown[]): { tasks: Task[]; skipped: SkippedTask[] } {
  const tasks: Task[] = [];
  const skipped: SkippedTask[] = [];
  raw.forEach((item, index) => {
    const parsed = TaskReadSchema.safeParse(item);
    if (parsed.success) {
      tasks.push(parsed.data);
      return;
    }
    const fields = typeof item === "object" && item !== null ? (item as Record<string, unknown>) : {};
    const label = [fields.id, fields.name].find((v) => typeof v === "string" && v !== "");
    const issue = parsed.error.issues[0];
    skipped.push({
      task: typeof label === "string" ? label.slice(0, 100) : `#${index + 1} of the list`,
      problem: issue ? `${issue.path.join(".") || "the task"}: ${issue.message}` : "not a task",
    });
  });
  return { tasks, skipped };
}

export const TaskLogEntrySchema = z.looseObject({
  id: z.number().int(),
  content: z.string(),
  type: z.enum(["input", "output"]),
  time: z.string(),
});
export type TaskLogEntry = z.infer<typeof TaskLogEntrySchema>;

export const TaskLogsSchema = z.looseObject({
  logs: z.array(TaskLogEntrySchema),
  snapshot: z.boolean().optional(),
  snapshot_at: z.string().optional(),
});
export type TaskLogs = z.infer<typeof TaskLogsSchema>;

export const WorkspaceBuildSchema = z.looseObject({
  id: z.string(),
  build_number: z.number().int().optional(),
  transition: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  created_at: z.string().optional(),
  job: z.looseObject({ status: z.string().optional() }).optional(),
});
export type WorkspaceBuild = z.infer<typeof WorkspaceBuildSchema>;

export const BuildResponseSchema = z.looseObject({ workspace_build: WorkspaceBuildSchema });

export const TemplateSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  display_name: z.string().optional(),
  description: z.string().optional(),
  organization_id: z.string().optional(),
  organization_name: z.string().optional(),
  active_version_id: z.string(),
  deprecated: z.boolean().optional(),
});
export type Template = z.infer<typeof TemplateSchema>;
export const TemplateListSchema = z.array(TemplateSchema);

// Presets are PascalCase on the wire: codersdk.Preset has no json tags (the swagger's lower-case keys are wrong).
export const PresetSchema = z.looseObject({
  ID: z.string(),
  Name: z.string(),
  Default: z.boolean().optional(),
  Description: z.string().optional(),
  Parameters: goSlice(z.looseObject({ Name: z.string(), Value: z.string() })),
});
export type Preset = z.infer<typeof PresetSchema>;
export const PresetListSchema = z.array(PresetSchema).nullable();

export const UserSchema = z.looseObject({
  id: z.string(),
  username: z.string(),
  name: z.string().optional(),
  email: z.string().optional(),
});
export type User = z.infer<typeof UserSchema>;

export const BuildInfoSchema = z.looseObject({
  version: z.string(),
  external_url: z.string().optional(),
  dashboard_url: z.string().optional(),
  deployment_id: z.string().optional(),
});
export type BuildInfo = z.infer<typeof BuildInfoSchema>;

// codersdk.Response: the body of every non-2xx answer.
export const ErrorBodySchema = z.looseObject({
  message: z.string().optional(),
  detail: z.string().optional(),
  validations: goSlice(z.looseObject({ field: z.string(), detail: z.string() })),
});
