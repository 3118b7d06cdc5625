import { z } from "zod";
import { refOf } from "../coder/identifiers.js";
import { WAIT_CONDITIONS } from "../coder/wait.js";
import { taskLink } from "../format/task-uris.js";
import { defineTool } from "./define.js";
import { summarizeTask, TaskSummarySchema, taskIdArg } from "./shapes.js";
import { timeoutArg, WaitOutcomeSchema, waitWithProgress } from "./waiting.js";

export const waitForTaskTool = defineTool({
  name: "coder_wait_for_task",
  title: "Wait for a Coder task",
  description:
    "Wait until a task reaches a condition instead of polling coder_get_task: idle (default: the agent finished its " +
    "turn), active, paused or any_change. Outcome: reached, timed_out (normal: call again) or stopped (waiting " +
    "cannot help, e.g. paused). Reports progress. Then read the answer with coder_get_task_logs.",
  input: {
    task_id: taskIdArg,
    until: z.enum(WAIT_CONDITIONS).optional().describe("Default idle."),
    timeout_seconds: timeoutArg.optional(),
  },
  output: {
    wait: WaitOutcomeSchema,
    task: TaskSummarySchema,
  },
  untrusted: "The task's message",
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  links: ({ task }) => [taskLink(task)],
  async handler({ task_id, until, timeout_seconds }, ctx) {
    const task = await ctx.coder.resolveTask(task_id, { signal: ctx.signal });
    const done = await waitWithProgress(ctx, refOf(task), { until: until ?? "idle", timeoutSeconds: timeout_seconds });
    return { wait: done.wait, task: summarizeTask(done.task) };
  },
});
