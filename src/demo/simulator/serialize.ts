// Wire JSON derived from the stored records, field for field as codersdk names them.
import type { Build, PresetRecord, TaskRecord, TemplateRecord, UserRecord } from "./model.js";
import { deriveCurrentState, deriveStatus, workspaceStatus } from "./status.js";
import type { Store } from "./store.js";
import type { Preset, Task, Template, User, WorkspaceBuild } from "./types.js";

export function taskJson(store: Store, task: TaskRecord): Task {
  const owner = must(store.userById(task.ownerId), "task owner");
  const template = templateOfTask(store, task);
  const build = task.builds.at(-1);
  const status = deriveStatus(task);
  // The agent appears in the latest build's resources only once a start build has provisioned it.
  const agentProvisioned = build?.transition === "start" && build.jobStatus === "succeeded" && task.lifecycle !== null;
  return {
    id: task.id,
    organization_id: task.organizationId,
    owner_id: owner.id,
    owner_name: owner.username,
    name: task.name,
    ...(store.features.taskNames ? { display_name: task.displayName } : {}),
    template_id: template.id,
    template_version_id: task.templateVersionId,
    template_name: template.name,
    template_display_name: template.displayName,
    template_icon: "",
    workspace_id: task.workspaceId,
    workspace_name: task.name,
    workspace_status: build && workspaceStatus(build),
    workspace_build_number: build?.number,
    workspace_agent_id: task.lifecycle === null ? null : task.agentId,
    workspace_agent_lifecycle: task.lifecycle,
    workspace_agent_health: agentProvisioned ? { healthy: true } : null,
    workspace_app_id: task.appHealth === null ? null : task.appId,
    initial_prompt: task.prompt,
    status,
    current_state: deriveCurrentState(task, status, store.features),
    created_at: task.createdAt,
    updated_at: task.updatedAt,
  };
}

export function userJson(store: Store, user: UserRecord): User {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    ...(user.name === "" ? {} : { name: user.name }),
    created_at: user.createdAt,
    updated_at: user.createdAt,
    last_seen_at: user.createdAt,
    status: "active",
    login_type: "password",
    theme_preference: "",
    organization_ids: [store.defaultOrganization.id],
    roles: user.roles,
    is_service_account: false,
    has_ai_seat: false,
  };
}

export function templateJson(store: Store, template: TemplateRecord): Template {
  const org = must(
    store.organizations.find((o) => o.id === template.organizationId),
    "template organization",
  );
  const stats = { p50: 12000, p95: 45000 };
  return {
    id: template.id,
    created_at: template.createdAt,
    updated_at: template.createdAt,
    organization_id: org.id,
    organization_name: org.name,
    organization_display_name: org.displayName,
    organization_icon: "",
    name: template.name,
    display_name: template.displayName,
    provisioner: "terraform",
    active_version_id: template.activeVersionId,
    active_user_count: 0,
    build_time_stats: { start: stats, stop: stats, delete: stats },
    description: "",
    deprecated: template.deprecated,
    deprecation_message: template.deprecated ? "This template is deprecated." : "",
    deleted: false,
    icon: "",
    default_ttl_ms: 0,
    activity_bump_ms: 3600000,
    autostop_requirement: { days_of_week: [], weeks: 1 },
    autostart_requirement: {
      days_of_week: ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    },
    created_by_id: template.createdById,
    created_by_name: must(store.userById(template.createdById), "template author").username,
    allow_user_autostart: true,
    allow_user_autostop: true,
    allow_user_cancel_workspace_jobs: false,
    failure_ttl_ms: 0,
    time_til_dormant_ms: 0,
    time_til_dormant_autodelete_ms: 0,
    require_active_version: false,
    max_port_share_level: "owner",
    cors_behavior: "simple",
    use_classic_parameter_flow: false,
    disable_module_cache: false,
  };
}

export function presetJson(preset: PresetRecord): Preset {
  return {
    ID: preset.id,
    Name: preset.name,
    Parameters: preset.parameters.map((p) => ({ Name: p.name, Value: p.value })),
    Default: preset.isDefault,
    DesiredPrebuildInstances: null,
    Description: preset.description,
    Icon: "",
  };
}

export function buildJson(store: Store, task: TaskRecord, build: Build): WorkspaceBuild {
  const owner = must(store.userById(task.ownerId), "workspace owner");
  const initiator = must(store.userById(build.initiatorId), "build initiator");
  const template = templateOfTask(store, task);
  const version = must(store.versions.get(build.templateVersionId), "build template version");
  return {
    id: build.id,
    created_at: build.createdAt,
    updated_at: build.updatedAt,
    workspace_id: task.workspaceId,
    workspace_name: task.name,
    workspace_owner_id: owner.id,
    workspace_owner_name: owner.username,
    template_version_id: version.id,
    template_version_name: version.name,
    ...(build.presetId ? { template_version_preset_id: build.presetId } : {}),
    build_number: build.number,
    transition: build.transition,
    initiator_id: initiator.id,
    initiator_name: initiator.username,
    job: {
      id: build.jobId,
      created_at: build.createdAt,
      ...(build.startedAt ? { started_at: build.startedAt } : {}),
      ...(build.completedAt ? { completed_at: build.completedAt } : {}),
      status: build.jobStatus,
      file_id: version.id,
      tags: { scope: "organization", owner: "" },
      queue_position: 0,
      queue_size: 0,
      organization_id: task.organizationId,
      initiator_id: initiator.id,
      input: { workspace_build_id: build.id },
      type: "workspace_build",
      available_workers: [],
      metadata: {
        template_version_name: version.name,
        template_id: template.id,
        template_name: template.name,
        template_display_name: template.displayName,
        template_icon: "",
        workspace_id: task.workspaceId,
        workspace_name: task.name,
        workspace_build_transition: build.transition,
      },
      logs_overflowed: false,
    },
    // Coder records task_manual_pause / task_resume here, but the contract's enum for this field
    // is only initiator|autostart|autostop, so the simulator stays within it.
    reason: "initiator",
    resources: [],
    // deadline, max_deadline and a missing preset ID are JSON null on the wire (Go NullTime, *uuid.UUID);
    // the contract types them as strings, so the simulator leaves them out.
    status: workspaceStatus(build),
    daily_cost: 0,
    matched_provisioners: { count: 1, available: 1, most_recently_seen: build.createdAt },
    has_ai_task: true,
    has_external_agent: false,
  };
}

function templateOfTask(store: Store, task: TaskRecord): TemplateRecord {
  return store.templateOf(must(store.versions.get(task.templateVersionId), "task template version"));
}

/** The store's records always reference existing ones; a miss is a bug in the simulator, not a client error. */
function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`simulated Coder store has no ${what}`);
  return value;
}
