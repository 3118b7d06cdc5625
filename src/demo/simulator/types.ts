// The JSON shapes the simulator sends, as codersdk (Go) serializes them. Optional fields are Go `omitempty` ones.

export type TaskStatus = "pending" | "initializing" | "active" | "paused" | "unknown" | "error";
/** What an agent reports; served as current_state.state (WireTaskState). */
export type TaskState = "working" | "idle" | "complete" | "failed";
/** Before v2.32 the app status is copied as it is: a failure is "failure" (wire note "codersdk.TaskState"). */
export type WireTaskState = TaskState | "failure";
export type TaskLogType = "input" | "output";
export type WorkspaceStatus =
  | "pending"
  | "starting"
  | "running"
  | "stopping"
  | "stopped"
  | "failed"
  | "canceling"
  | "canceled"
  | "deleting"
  | "deleted";
export type WorkspaceTransition = "start" | "stop" | "delete";
export type ProvisionerJobStatus = "pending" | "running" | "succeeded" | "canceling" | "canceled" | "failed";
export type AgentLifecycle =
  | "created"
  | "starting"
  | "start_timeout"
  | "start_error"
  | "ready"
  | "shutting_down"
  | "shutdown_timeout"
  | "shutdown_error"
  | "off";
export type AppHealth = "disabled" | "initializing" | "healthy" | "unhealthy";

export interface TaskStateEntry {
  timestamp: string;
  state: WireTaskState;
  message: string;
  uri: string;
}

export interface WorkspaceAgentHealth {
  healthy: boolean;
  reason?: string;
}

export interface Task {
  id: string;
  organization_id: string;
  owner_id: string;
  owner_name: string;
  owner_avatar_url?: string;
  name: string;
  /** Absent before v2.29.0 (PR #20647). */
  display_name?: string;
  template_id: string;
  template_version_id: string;
  template_name: string;
  template_display_name: string;
  template_icon: string;
  /** uuid.NullUUID: a UUID string or null. */
  workspace_id: string | null;
  workspace_name: string;
  workspace_status?: WorkspaceStatus;
  workspace_build_number?: number;
  workspace_agent_id: string | null;
  workspace_agent_lifecycle: AgentLifecycle | null;
  workspace_agent_health: WorkspaceAgentHealth | null;
  workspace_app_id: string | null;
  initial_prompt: string;
  status: TaskStatus;
  current_state: TaskStateEntry | null;
  created_at: string;
  updated_at: string;
}

export interface TaskLogEntry {
  id: number;
  content: string;
  type: TaskLogType;
  time: string;
}

export interface TaskLogsResponse {
  logs: TaskLogEntry[];
  snapshot?: boolean;
  snapshot_at?: string;
}

export interface SlimRole {
  name: string;
  display_name: string;
  organization_id?: string;
}

export interface User {
  id: string;
  username: string;
  email: string;
  name?: string;
  avatar_url?: string;
  created_at: string;
  updated_at: string;
  last_seen_at: string;
  status: "active" | "suspended";
  login_type: "password";
  theme_preference: string;
  organization_ids: string[];
  roles: SlimRole[];
  is_service_account: boolean;
  has_ai_seat: boolean;
}

export interface Template {
  id: string;
  created_at: string;
  updated_at: string;
  organization_id: string;
  organization_name: string;
  organization_display_name: string;
  organization_icon: string;
  name: string;
  display_name: string;
  provisioner: "terraform";
  active_version_id: string;
  active_user_count: number;
  build_time_stats: Record<WorkspaceTransition, { p50: number; p95: number }>;
  description: string;
  deprecated: boolean;
  deprecation_message: string;
  deleted: boolean;
  icon: string;
  default_ttl_ms: number;
  activity_bump_ms: number;
  autostop_requirement: { days_of_week: string[]; weeks: number };
  autostart_requirement: { days_of_week: string[] };
  created_by_id: string;
  created_by_name: string;
  allow_user_autostart: boolean;
  allow_user_autostop: boolean;
  allow_user_cancel_workspace_jobs: boolean;
  failure_ttl_ms: number;
  time_til_dormant_ms: number;
  time_til_dormant_autodelete_ms: number;
  require_active_version: boolean;
  max_port_share_level: "owner" | "authenticated" | "organization" | "public";
  cors_behavior: "simple" | "passthru";
  use_classic_parameter_flow: boolean;
  disable_module_cache: boolean;
}

/** codersdk.Preset has no json tags, so its keys are the Go field names (wire note "codersdk.Preset"). */
export interface Preset {
  ID: string;
  Name: string;
  Parameters: Array<{ Name: string; Value: string }>;
  Default: boolean;
  DesiredPrebuildInstances: number | null;
  Description: string;
  Icon: string;
}

export interface ProvisionerJob {
  id: string;
  created_at: string;
  started_at?: string;
  completed_at?: string;
  status: ProvisionerJobStatus;
  worker_id?: string;
  file_id: string;
  tags: Record<string, string>;
  queue_position: number;
  queue_size: number;
  organization_id: string;
  initiator_id: string;
  input: { workspace_build_id: string };
  type: "workspace_build";
  available_workers: string[];
  metadata: {
    template_version_name: string;
    template_id: string;
    template_name: string;
    template_display_name: string;
    template_icon: string;
    workspace_id: string;
    workspace_name: string;
    workspace_build_transition: WorkspaceTransition;
  };
  logs_overflowed: boolean;
}

export interface WorkspaceBuild {
  id: string;
  created_at: string;
  updated_at: string;
  workspace_id: string;
  workspace_name: string;
  workspace_owner_id: string;
  workspace_owner_name: string;
  template_version_id: string;
  template_version_name: string;
  template_version_preset_id?: string;
  build_number: number;
  transition: WorkspaceTransition;
  initiator_id: string;
  initiator_name: string;
  job: ProvisionerJob;
  reason: "initiator";
  resources: never[];
  status: WorkspaceStatus;
  daily_cost: number;
  matched_provisioners: { count: number; available: number; most_recently_seen: string };
  has_ai_task: boolean;
  has_external_agent: boolean;
}

export interface BuildInfo {
  external_url: string;
  version: string;
  dashboard_url: string;
  telemetry: boolean;
  workspace_proxy: boolean;
  agent_api_version: string;
  provisioner_api_version: string;
  upgrade_message: string;
  deployment_id: string;
}

export interface ValidationError {
  field: string;
  detail: string;
}

/** codersdk.Response: the body of every non-2xx answer. */
export interface CoderResponse {
  message: string;
  detail?: string;
  validations?: ValidationError[];
}
