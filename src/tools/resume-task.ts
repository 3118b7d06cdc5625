import { defineTool } from "./define.js";
import { buildTool, runBuild } from "./task-build.js";

export const resumeTask = defineTool({
  name: "coder_resume_task",
  title: "Resume a paused Coder task",
  description:
    "Resume a paused task: start its workspace again. Returns the start build and the task, which goes pending -> " +
    "initializing -> active; coder_wait_for_task before sending input (Coder v2.31.1+).",
  ...buildTool,
  handler: ({ task_id }, ctx) =>
    runBuild(
      ctx,
      task_id,
      // As `coder task resume`: only a paused task can be resumed.
      (task) => {
        if (task.status === "paused") return undefined;
        const why =
          task.status === "error" || task.status === "unknown"
            ? "it cannot be resumed; check its workspace build logs in Coder, or delete it"
            : "only a paused task can be resumed";
        return `Task ${task.owner_name}/${task.name} has status ${task.status}: ${why}.`;
      },
      (ref, opts) => ctx.coder.resumeTask(ref, opts),
    ),
});
