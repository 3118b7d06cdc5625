import { z } from "zod";
import { refOf } from "../coder/identifiers.js";
import { taskLink } from "../format/task-uris.js";
import { defineTool } from "./define.js";
import { inputArg, summarizeTask, TaskSummarySchema, taskIdArg } from "./shapes.js";
import { TaskStateError } from "./task-state-error.js";

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
    // Coder would answer 409 and advise pausing, which v2.29-v2.31.0 cannot do through their API.
    if (task.status !== "paused" && !(await coder.has("pauseResume", { signal }))) {
      const workspace = `${task.owner_name}/${task.workspace_name || task.name}`;
      throw new TaskStateError(
        `Task ${task.owner_name}/${task.name} has status ${task.status}: only a paused task's input can be updated, and this Coder version cannot pause a task through its API (v2.31.1+ can). Stop its workspace in Coder first (dashboard, or \`coder stop ${workspace}\`).`,
      );
    }
    await coder.updateTaskInput(refOf(task), input, { signal });
    return { updated: true as const, task: summarizeTask(task) };
  },
});
