// When Coder serves a task's log (BEHAVIOR.md, Logs): live while the task is active; from v2.31.1 the snapshot taken
// when it stopped while it is paused, pending or initializing; never for error, unknown or a status this server does
// not know (a 400 or 409 instead).
import type { CoderClient } from "./client.js";
import type { Task } from "./schemas.js";

const SNAPSHOT_STATUSES = new Set(["paused", "pending", "initializing"]);

export async function logsServed(coder: CoderClient, task: Task, signal?: AbortSignal): Promise<boolean> {
  if (task.status === "active") return true;
  return SNAPSHOT_STATUSES.has(task.status) && (await coder.has("logSnapshots", { signal }));
}
