import { z } from "zod";
import { refOf } from "../coder/identifiers.js";
import { taskLink } from "../format/task-uris.js";
import { defineTool } from "./define.js";
import { inputArg, summarizeTask, TaskSummarySchema, taskIdArg } from "./shapes.js";

export const updateTaskInput = defineTool({
  name: "coder_update_task_input",
  title: "Replace a paused task's prompt",
  description:
    "Replace the stored prompt of a paused task, e.g. to correct it before coder_resume_task; nothing reaches the " +
    "agent. To talk to a running agent use coder_send_task_input.",
  input: {
    task_id: taskIdArg,
    input: inputArg.describe("The new prompt."),
  },
  output: {
    updated: z.literal(true),
    task: TaskSummarySchema,
  },
  untrusted: "The task's message",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  links: ({ task }) => [taskLink(task)],
  async handler({ task_id, input }, { coder, signal }) {
    await coder.require("updateInput", { signal });
    const task = await coder.resolveTask(task_id, { signal });
    await coder.updateTaskInput(refOf(task), input, { signal });
    return { updated: true as const, task: summarizeTask(task) };
  },
});
