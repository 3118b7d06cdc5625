// zod schemas of the Coder JSON this server reads. Objects are loose: Coder adds fields between versions, and a
// field we do not know must pass through, never fail a call. Optional marks what Coder omits (omitempty) or what
// older versions (v2.26-v2.28) do not send.
import { z } from "zod";

export const TASK_STATUSES = ["pending", "initializing", "active", "paused", "unknown", "error"] as const;
export const TaskStatusSchema = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

export const TaskStateSchema = z.enum(["working", "idle", "complete", "failed"]);

export const TaskStateEntrySchema = z.looseObject({
  timestamp: z.string(),
  state: TaskStateSchema,
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
  status: TaskStatusSchema,
  current_state: TaskStateEntrySchema.nullable().optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Task = z.infer<typeof TaskSchema>;

export const TasksListSchema = z.looseObject({
  tasks: z.array(TaskSchema),
  count: z.number().int(),
});

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
  Parameters: z
    .array(z.looseObject({ Name: z.string(), Value: z.string() }))
    .nullable()
    .optional(),
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
  validations: z
    .array(z.looseObject({ field: z.string(), detail: z.string() }))
    .nullable()
    .optional(),
});
