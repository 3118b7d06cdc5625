import { z } from "zod";
import { refOf } from "../coder/identifiers.js";
import { defineTool } from "./define.js";
import { summarizeTask, TaskSummarySchema, taskIdArg } from "./shapes.js";

export const deleteTask = defineTool({
  name: "coder_delete_task",
  title: "Delete a Coder task",
  description:
    "Delete a task and its workspace for good; it cannot be undone (coder_pause_task keeps the work). Where the " +
    "client can ask, the user confirms first; a declined confirmation deletes nothing.",
  input: { task_id: taskIdArg },
  output: {
    deleted: z.boolean().describe("False when the user declined or cancelled the confirmation."),
    task: TaskSummarySchema.describe("The task as it was before the call."),
    note: z.string().optional(),
  },
  untrusted: "The task's message",
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async handler({ task_id }, { coder, signal, confirm }) {
    const task = await coder.resolveTask(task_id, { signal });
    const label = `${task.owner_name}/${task.name}`;
    const title = task.display_name && task.display_name !== task.name ? ` ("${task.display_name}")` : "";
    const answer = await confirm(
      `Delete the Coder task ${label}${title}, owned by ${task.owner_name}, and its workspace? This cannot be undone.`,
      `Delete ${label}`,
    );
    if (answer === "decline" || answer === "cancel") {
      return {
        deleted: false,
        task: summarizeTask(task),
        note: `Not deleted: the user ${answer === "decline" ? "declined" : "cancelled"} the confirmation. Do not retry unless asked to.`,
      };
    }
    await coder.deleteTask(refOf(task), { signal });
    return { deleted: true, task: summarizeTask(task) };
  },
});
