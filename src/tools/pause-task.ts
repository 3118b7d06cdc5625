import { refOf } from "../coder/identifiers.js";
import { taskLink } from "../format/task-uris.js";
import { defineTool } from "./define.js";
import { BuildResultShape, summarizeBuild, summarizeTask, taskIdArg } from "./shapes.js";
import { TaskStateError } from "./task-state-error.js";

export const pauseTask = defineTool({
  name: "coder_pause_task",
  title: "Pause a Coder task",
  description:
    "Pause a task: stop its workspace, keeping the task, its prompt and a snapshot of its log. Returns the stop " +
    "build and the task, which becomes paused when the build ends. Resume with coder_resume_task (Coder v2.31.1+).",
  input: { task_id: taskIdArg },
  output: BuildResultShape,
  untrusted: "The task's message",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  links: ({ task }) => [taskLink(task)],
  async handler({ task_id }, { coder, signal }) {
    await coder.require("pauseResume", { signal });
    const task = await coder.resolveTask(task_id, { signal });
    // Coder itself would queue another, useless stop build.
    if (task.status === "paused") {
      throw new TaskStateError(
        `Task ${task.owner_name}/${task.name} is already paused; resume it with coder_resume_task.`,
      );
    }
    const build = await coder.pauseTask(refOf(task), { signal });
    const after = await coder.getTask(refOf(task), { signal });
    return { build: summarizeBuild(build), task: summarizeTask(after) };
  },
});
