// POST /api/v2/tasks/{user}: tasksCreate, with the checks of createWorkspace that a task can run into.
import { fail, NIL_UUID, ok, type Reply, readBody } from "./http.js";
import { generateTaskName, nameProblem } from "./names.js";
import { type Call, isReply, resolveUser } from "./route.js";
import { taskJson } from "./serialize.js";

const FIELDS = {
  template_version_id: "uuid.UUID",
  template_version_preset_id: "uuid.UUID",
  input: "string",
  name: "string",
  display_name: "string",
} as const;

export function createTask(call: Call): Reply {
  const owner = resolveUser(call);
  if (isReply(owner)) return owner;
  const body = readBody(call.body, "CreateTaskRequest", FIELDS);
  if ("error" in body) return body.error;
  const req = body.value;

  // CreateTaskRequest has no validation tags: a missing ID is the nil UUID, which no version has. Deliberately 400,
  // not 404: the ID is an input error.
  const version = call.store.versions.get((req.template_version_id ?? NIL_UUID).toLowerCase());
  if (!version) return fail(400, "Template version not found or you do not have access to this resource");
  if (!version.aiTask) return fail(400, 'Template does not have a valid "coder_ai_task" resource.');

  let name = req.name ?? "";
  const nameIssue = name === "" ? undefined : nameProblem(name);
  if (nameIssue) return fail(400, "Unable to create a Task with the provided name.", nameIssue);
  // Before v2.29.0 the request has no display_name (PR #20647): the decoder ignores it.
  let displayName = call.store.features.taskNames ? (req.display_name ?? "").trim() : "";
  if (Buffer.byteLength(displayName) > 64) return fail(400, "Display name must be 64 characters or less.");
  const input = req.input ?? "";
  if (name === "" || displayName === "") {
    const generated = generateTaskName(input);
    name ||= generated.name;
    displayName ||= generated.displayName;
  }

  const template = call.store.templateOf(version);
  if (template.deprecated) {
    return fail(
      400,
      `Template ${JSON.stringify(template.name)} has been deprecated, and cannot be used to create a new workspace.`,
      "This template is deprecated.",
    );
  }
  // The task name is the workspace name, unique per owner among live workspaces.
  const taken = call.store
    .liveTasks()
    .some((t) => t.ownerId === owner.id && t.name.toLowerCase() === name.toLowerCase());
  if (taken) {
    return fail(409, `Workspace ${JSON.stringify(name)} already exists.`, undefined, [
      { field: "name", detail: "This value is already in use and should be unique." },
    ]);
  }
  const presetId = (req.template_version_preset_id ?? NIL_UUID).toLowerCase();
  const withPreset = presetId !== NIL_UUID;
  if (withPreset && !version.presets.some((p) => p.id === presetId)) {
    // Not in the contract: Coder would fail later; the simulator names the mistake.
    return fail(
      400,
      "Template version preset not found.",
      `Preset ${presetId} is not a preset of version ${version.id}.`,
    );
  }

  const task = call.store.createTask({
    owner,
    name,
    displayName,
    version,
    prompt: input,
    initiatorId: call.actor.id,
    logs: [{ type: "input", content: input }],
    ...(withPreset ? { presetId } : {}),
  });
  const [build] = task.builds;
  if (build) call.lifecycle?.created(task, build);
  return ok(taskJson(call.store, task), 201);
}
