import { defineTool } from "./define.js";
import { buildTool, runBuild } from "./task-build.js";

export const pauseTask = defineTool({
  name: "coder_pause_task",
  title: "Pause a Coder task",
  description:
    "Pause a task: stop its workspace, keeping the task, its prompt and a snapshot of its log. Returns the stop " +
    "build and the task, which becomes paused when the build ends. Resume with coder_resume_task (Coder v2.31.1+).",
  ...buildTool,
  handler: ({ task_id }, ctx) =>
    runBuild(
      ctx,
      task_id,
      // Coder itself would queue another, useless stop build.
      (task) =>
        task.status === "paused"
          ? `Task ${task.owner_name}/${task.name} is already paused; resume it with coder_resume_task.`
          : undefined,
      (ref, opts) => ctx.coder.pauseTask(ref, opts),
    ),
});
