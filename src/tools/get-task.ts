import { TaskSchema } from "../coder/schemas.js";
import { taskLink } from "../format/task-uris.js";
import { BOARD_TOOL_META } from "../resources/ui-meta.js";
import { defineTool } from "./define.js";
import { taskIdArg, taskUriField, withUri } from "./shapes.js";

export const getTask = defineTool({
  name: "coder_get_task",
  title: "Get a Coder task",
  description:
    "Get one Coder task in full: status, the agent's current state and message, initial prompt, template, " +
    "workspace and agent details. Read what the agent said with coder_get_task_logs.",
  input: { task_id: taskIdArg },
  output: { ...TaskSchema.shape, uri: taskUriField },
  untrusted: "Its initial_prompt, display_name and current_state.message",
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  _meta: BOARD_TOOL_META,
  links: (t) => [taskLink({ owner: t.owner_name, name: t.name, display_name: t.display_name })],
  async handler({ task_id }, { coder, signal }) {
    return withUri(await coder.resolveTask(task_id, { signal }));
  },
});
