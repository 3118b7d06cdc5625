import { z } from "zod";
import { refOf } from "../coder/identifiers.js";
import { defineTool } from "./define.js";
import { inputArg, summarizeTask, TaskSummarySchema, taskIdArg } from "./shapes.js";

export const sendTaskInput = defineTool({
  name: "coder_send_task_input",
  title: "Send input to a Coder task",
  description:
    "Send a message to a running task's agent, as if its user typed it. The task must be active and the agent " +
    "idle (not working); a paused task must be resumed first with coder_resume_task. Returns as soon as Coder " +
    "accepts the message, before the agent answers: follow with coder_get_task and coder_get_task_logs. Never " +
    "retried automatically; if the call fails without a clear answer, check the logs before sending again.",
  input: {
    task_id: taskIdArg,
    input: inputArg.describe("The message for the agent."),
  },
  output: {
    sent: z.literal(true),
    task: TaskSummarySchema.describe("The task as it was when the input was sent."),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async handler({ task_id, input }, { coder, signal }) {
    const task = await coder.resolveTask(task_id, { signal });
    await coder.sendTaskInput(refOf(task), input, { signal });
    return { sent: true as const, task: summarizeTask(task) };
  },
});
