import { taskLink } from "../format/task-uris.js";
import { BOARD_TOOL_META } from "../resources/ui-meta.js";
import { defineTool } from "./define.js";
import { detailArg, TaskViewSchema, taskIdArg, taskView } from "./shapes.js";

export const getTask = defineTool({
  name: "coder_get_task",
  title: "Get a Coder task",
  description:
    "Get one Coder task: status, the agent's state and message, times, and what to do next. Its conversation: " +
    "coder_get_task_logs.",
  input: { task_id: taskIdArg, detail: detailArg.optional() },
  output: TaskViewSchema.shape,
  untrusted: "Its message and display_name",
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  _meta: BOARD_TOOL_META,
  links: (t) => [taskLink(t)],
  async handler({ task_id, detail }, { coder, signal }) {
    return taskView(await coder.resolveTask(task_id, { signal }), detail);
  },
});
