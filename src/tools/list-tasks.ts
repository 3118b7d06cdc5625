import { z } from "zod";
import { parseUser } from "../coder/identifiers.js";
import { taskLink } from "../format/task-uris.js";
import { BOARD_TOOL_META } from "../resources/ui-meta.js";
import { defineTool } from "./define.js";
import { blankAsAbsent } from "./lenient.js";
import { statusArg, summarizeTask, TaskSummarySchema, userArg } from "./shapes.js";

export const listTasks = defineTool({
  name: "coder_list_tasks",
  title: "List Coder tasks",
  description:
    "List Coder tasks (AI coding agents in Coder workspaces), newest first: id, owner/name, status, the agent's last " +
    "state and message. A turn is over when status is active and state is idle, complete or failed: then read " +
    "coder_get_task_logs.",
  input: {
    user: blankAsAbsent(userArg.optional().describe('Whose tasks: "me" (default), a username or a user ID.')),
    status: blankAsAbsent(statusArg.optional()),
    organization: z.string().min(1).max(100).optional().describe("Organization name or ID."),
  },
  output: {
    count: z.number().int(),
    tasks: z.array(TaskSummarySchema),
    skipped: z
      .array(z.object({ task: z.string(), problem: z.string() }))
      .optional()
      .describe("Tasks Coder sent that could not be read, and why; the others are listed all the same."),
  },
  untrusted: "Each task's message",
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  _meta: BOARD_TOOL_META,
  links: ({ tasks }) => tasks.map((t) => taskLink(t)),
  async handler({ user, status, organization }, { coder, signal }) {
    const owner = parseUser(user ?? "me");
    const { tasks, skipped } = await coder.listTasks({ owner, status, organization }, { signal });
    return { count: tasks.length, tasks: tasks.map(summarizeTask), ...(skipped.length ? { skipped } : {}) };
  },
});
