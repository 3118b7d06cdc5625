import { z } from "zod";
import { refOf } from "../coder/identifiers.js";
import { defineTool } from "./define.js";
import { summarizeTask, TaskSummarySchema, taskIdArg } from "./shapes.js";

export const deleteTask = defineTool({
  name: "coder_delete_task",
  title: "Delete a Coder task",
  description:
    "Delete a task for good: its workspace is deleted with everything in it, and the task disappears from lists " +
    "at once. This cannot be undone; to stop an agent but keep its work, use coder_pause_task.",
  input: { task_id: taskIdArg },
  output: {
    deleted: z.literal(true),
    task: TaskSummarySchema.describe("The task as it was before deletion."),
  },
  untrusted: "The task's message",
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async handler({ task_id }, { coder, signal }) {
    const task = await coder.resolveTask(task_id, { signal });
    await coder.deleteTask(refOf(task), { signal });
    return { deleted: true as const, task: summarizeTask(task) };
  },
});
