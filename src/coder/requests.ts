// What the client's methods take and give beyond Coder's own JSON (schemas.ts): filters, the create request, a
// list with the tasks it could not read, and a sink that keeps what it needs of a streamed log.
import type { TaskLogsMeta } from "./log-stream.js";
import type { SkippedTask, Task, TaskLogEntry, TaskStatus } from "./schemas.js";

export interface TaskFilter {
  /** Username, user UUID or `me`; absent lists every task the caller may read. */
  owner?: string;
  organization?: string;
  status?: TaskStatus;
  /** Raw search terms appended as they are, e.g. `status:active`. */
  terms?: string;
}

export interface TemplateFilter {
  /** Only templates that can run AI tasks (a coder_ai_task resource). */
  aiTask?: boolean;
  /** The template named exactly this. */
  exactName?: string;
  organization?: string;
}

export interface CreateTaskRequest {
  template_version_id: string;
  template_version_preset_id?: string;
  input: string;
  name?: string;
  display_name?: string;
}

export interface TaskList {
  tasks: Task[];
  count: number;
  /** Tasks Coder sent that could not be read, and why; the others are listed all the same. */
  skipped: SkippedTask[];
}

/** Keeps what it needs of a log read entry by entry, then gives its result. */
export interface LogSink<R> {
  add(entry: TaskLogEntry): void;
  finish(meta: TaskLogsMeta): R;
}
