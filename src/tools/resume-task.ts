import { refOf } from "../coder/identifiers.js";
import { taskLink } from "../format/task-uris.js";
import { defineTool } from "./define.js";
import { BuildResultShape, summarizeBuild, summarizeTask, taskIdArg } from "./shapes.js";
import { TaskStateError } from "./task-state-error.js";

export const resumeTask = defineTool({
  name: "coder_resume_task",
  title: "Resume a paused Coder task",
  description:
    "Resume a paused task: start its workspace again. Returns the start build and the task, which goes pending -> " +
    "initializing -> active; coder_wait_for_task before sending input (Coder v2.31.1+).",
  input: { task_id: taskIdArg },
  output: BuildResultShape,
  untrusted: "The task's message",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  links: ({ task }) => [taskLink(task)],
  async handler({ task_id }, { coder, signal }) {
    await coder.require("pauseResume", { signal });
    const task = await coder.resolveTask(task_id, { signal });
    // As `coder task resume`: only a paused task can be resumed.
    if (task.status !== "paused") {
      const why =
        task.status === "error" || task.status === "unknown"
          ? "it cannot be resumed; check its workspace build logs in Coder, or delete it"
          : "only a paused task can be resumed";
      throw new TaskStateError(`Task ${task.owner_name}/${task.name} has status ${task.status}: ${why}.`);
    }
    const build = await coder.resumeTask(refOf(task), { signal });
    const after = await coder.getTask(refOf(task), { signal });
    return { build: summarizeBuild(build), task: summarizeTask(after) };
  },
});
