// Pause and resume: the same shape of tool. A state check that refuses before anything is sent, one workspace
// build, and the task as it is after the build was queued.
import type { TaskRef } from "../coder/identifiers.js";
import { refOf } from "../coder/identifiers.js";
import type { Task, WorkspaceBuild } from "../coder/schemas.js";
import { taskLink } from "../format/task-uris.js";
import type { ToolContext } from "./define.js";
import { BuildResultShape, summarizeBuild, summarizeTask, taskIdArg } from "./shapes.js";
import { TaskStateError } from "./task-state-error.js";

/** The definition fields pause and resume share. */
export const buildTool = {
  input: { task_id: taskIdArg },
  output: BuildResultShape,
  untrusted: "The task's message",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  links: ({ task }: { task: { owner: string; name: string } }) => [taskLink(task)],
};

export async function runBuild(
  ctx: ToolContext,
  taskId: string,
  /** Why the task's status rules the build out, if it does. */
  refusal: (task: Task) => string | undefined,
  build: (ref: TaskRef, opts: { signal: AbortSignal }) => Promise<WorkspaceBuild>,
) {
  const { coder, signal } = ctx;
  await coder.require("pauseResume", { signal });
  const task = await coder.resolveTask(taskId, { signal });
  const refused = refusal(task);
  if (refused) throw new TaskStateError(refused);
  const queued = await build(refOf(task), { signal });
  const after = await coder.getTask(refOf(task), { signal });
  return { build: summarizeBuild(queued), task: summarizeTask(after) };
}
