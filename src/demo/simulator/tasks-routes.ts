// The Tasks API (coderd/aitasks.go), mounted under /api/v2/tasks and/or /api/experimental/tasks.
import { empty, fail, ok, type Reply, readBody } from "./http.js";
import type { TaskRecord } from "./model.js";
import { parseTasksQuery } from "./query.js";
import { type Call, isReply, type Route, resolveTask } from "./route.js";
import { buildJson, taskJson } from "./serialize.js";
import { deriveCurrentState, deriveStatus, TASK_STATUSES, workspaceStatus } from "./status.js";
import { createTask } from "./tasks-create.js";
import type { TaskLogsResponse, TaskStatus } from "./types.js";
import type { Features } from "./version.js";

const TASK = "/api/v2/tasks/{user}/{task}";

/** Routes relative to the tasks base; `spec` names the /api/v2 operation for both mounts. */
export const TASK_ROUTES: Route[] = [
  { path: [], spec: "/api/v2/tasks", methods: { GET: listTasks } },
  { path: [":user"], spec: "/api/v2/tasks/{user}", methods: { POST: createTask } },
  { path: [":user", ":task"], spec: TASK, methods: { GET: withTask(getTask), DELETE: withTask(deleteTask) } },
  {
    path: [":user", ":task", "input"],
    spec: `${TASK}/input`,
    methods: { PATCH: withTask(updateInput) },
    feature: "taskNames",
  },
  { path: [":user", ":task", "send"], spec: `${TASK}/send`, methods: { POST: withTask(send) } },
  { path: [":user", ":task", "logs"], spec: `${TASK}/logs`, methods: { GET: withTask(logs) } },
  {
    path: [":user", ":task", "pause"],
    spec: `${TASK}/pause`,
    methods: { POST: withTask(pause) },
    feature: "pauseResume",
  },
  {
    path: [":user", ":task", "resume"],
    spec: `${TASK}/resume`,
    methods: { POST: withTask(resume) },
    feature: "pauseResume",
  },
];

type TaskHandler = (call: Call, task: TaskRecord) => Reply;

function withTask(handler: TaskHandler): (call: Call) => Reply {
  return (call) => {
    const found = resolveTask(call);
    return isReply(found) ? found : handler(call, found.task);
  };
}

function listTasks(call: Call): Reply {
  const parsed = parseTasksQuery(call.query.get("q") ?? "", call.store, call.actor);
  // Grammar errors are on the field "q"; a bad owner or organization, or an unknown key, on that key.
  if ("errors" in parsed) return fail(400, "Invalid task search query.", undefined, parsed.errors);
  const { ownerId, organizationId, status } = parsed.filter;
  if (status !== undefined && !TASK_STATUSES.includes(status as TaskStatus)) {
    // The parser passes any status on; Postgres' enum cast then fails (BEHAVIOR.md: expect a 500).
    return fail(500, "Internal error fetching tasks.", `pq: invalid input value for enum task_status: "${status}"`);
  }
  const tasks = call.store
    .liveTasks()
    .filter(
      (t) =>
        (ownerId === undefined || t.ownerId === ownerId) && (!organizationId || t.organizationId === organizationId),
    )
    .filter((t) => status === undefined || deriveStatus(t) === status)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map((t) => taskJson(call.store, t));
  return ok({ tasks, count: tasks.length });
}

function getTask(call: Call, task: TaskRecord): Reply {
  return ok(taskJson(call.store, task));
}

/** wsbuilder: no new build while the latest build's job is pending or running. */
function buildInProgress(task: TaskRecord): Reply | undefined {
  const job = task.builds.at(-1)?.jobStatus;
  if (job !== "pending" && job !== "running") return undefined;
  return fail(409, "A workspace build is already active.", "A workspace build is already active.");
}

function deleteTask(call: Call, task: TaskRecord): Reply {
  const conflict = buildInProgress(task);
  if (conflict) return conflict;
  const build = call.store.delete(task, call.actor.id);
  if (call.lifecycle) call.lifecycle.deleting(task, build);
  else call.store.setJob(task, build, "succeeded");
  return empty(202);
}

function updateInput(call: Call, task: TaskRecord): Reply {
  const body = readBody(call.body, "UpdateTaskInputRequest", { input: "string" });
  if ("error" in body) return body.error;
  const input = body.value.input ?? "";
  if (input.trim() === "") return fail(400, "Task input is required.");
  if (deriveStatus(task) !== "paused") {
    return fail(
      409,
      "Unable to update task input, task must be paused.",
      "Please stop the task's workspace before updating the input.",
    );
  }
  task.prompt = input;
  task.updatedAt = call.store.clock.now();
  return empty(204);
}

function send(call: Call, task: TaskRecord): Reply {
  const body = readBody(call.body, "TaskSendRequest", { input: "string" });
  if ("error" in body) return body.error;
  const input = body.value.input ?? "";
  if (input === "") return fail(400, "Task input is required.");
  const status = deriveStatus(task);
  const refusal = taskAppRefusal(status, call.store.features);
  if (refusal) return refusal;
  // AgentAPI only takes a message when its status is "stable"; a working agent is "running" (502 before v2.32).
  if (deriveCurrentState(task, status, call.store.features)?.state === "working") {
    return fail(
      call.store.features.busyConflict ? 409 : 502,
      "Task app is not ready to accept input.",
      "Status: running",
    );
  }
  task.sentInputs.push(input);
  call.store.appendLog(task, "input", input);
  call.lifecycle?.sent(task, input);
  return empty(204);
}

/**
 * authAndDoWithTaskAppClient: the task's app is reachable only while the task is active. Before v2.31.1
 * (PR #21887) every other status was the 400 that error and unknown still get.
 */
function taskAppRefusal(status: TaskStatus, features: Features): Reply | undefined {
  if (status === "active") return undefined;
  if (!features.startingConflict) return mustBeActive(status, features);
  switch (status) {
    case "pending":
    case "initializing":
      return fail(
        409,
        `Task is ${status}.`,
        "The task is resuming. Wait for the task to become active before sending messages.",
      );
    case "paused":
      return fail(409, "Task is paused.", "Resume the task to send messages.");
    default:
      return mustBeActive(status, features);
  }
}

/** The 400 for a task that is not active; before v2.31.1 it is worded "Task status must be active.". */
function mustBeActive(status: TaskStatus, features: Features): Reply {
  return fail(
    400,
    features.startingConflict ? "Task must be active." : "Task status must be active.",
    `Task status is "${status}", it must be "active" to interact with the task.`,
  );
}

function logs(call: Call, task: TaskRecord): Reply {
  const status = deriveStatus(task);
  if (status === "active") return ok({ logs: task.logs } satisfies TaskLogsResponse);
  // Before v2.31.1 (no snapshots, PR #21771) logs came from the task app only, which needs an active task.
  if (!call.store.features.logSnapshots) return mustBeActive(status, call.store.features);
  if (status === "error" || status === "unknown") {
    return fail(409, "Cannot fetch logs for task in current state.", `Task status is "${status}".`);
  }
  const snapshot = task.snapshot;
  const body: TaskLogsResponse = snapshot
    ? { logs: snapshot.logs, snapshot: true, snapshot_at: snapshot.takenAt }
    : { logs: [], snapshot: true };
  return ok(body);
}

/**
 * A stop build, returned queued (no "already paused" check); the simulator then completes it, at once or, with a
 * lifecycle, one step later, so the task is paused.
 */
function pause(call: Call, task: TaskRecord): Reply {
  const conflict = buildInProgress(task);
  if (conflict) return conflict;
  const build = call.store.queueBuild(task, "stop", call.actor.id);
  const queued = buildJson(call.store, task, build);
  if (call.lifecycle) call.lifecycle.pausing(task, build);
  else call.store.setStatus(task, "paused");
  return ok({ workspace_build: queued }, 202);
}

/** A start build, returned queued; the simulator then completes it (at once, or step by step): active and idle. */
function resume(call: Call, task: TaskRecord): Reply {
  const latest = task.builds.at(-1);
  if (latest && workspaceStatus(latest) === "running") {
    return fail(409, "Task workspace is already running.", 'Workspace status is "running".');
  }
  const conflict = buildInProgress(task);
  if (conflict) return conflict;
  const build = call.store.queueBuild(task, "start", call.actor.id);
  const queued = buildJson(call.store, task, build);
  if (call.lifecycle) {
    call.lifecycle.resuming(task, build);
  } else {
    call.store.setStatus(task, "active");
    call.store.report(task, { state: "idle", message: "" });
  }
  return ok({ workspace_build: queued }, 202);
}
