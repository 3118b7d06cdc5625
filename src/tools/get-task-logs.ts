import { z } from "zod";
import { refOf } from "../coder/identifiers.js";
import { LOG_ENTRY_MAX_CHARS } from "../format/log-limits.js";
import { windowSink } from "../format/log-window.js";
import { logsUri, taskLink } from "../format/task-uris.js";
import { defineTool } from "./define.js";
import { taskIdArg } from "./shapes.js";

const LIMIT_DEFAULT = 50;

export const getTaskLogs = defineTool({
  name: "coder_get_task_logs",
  title: "Read a Coder task's log",
  description:
    "Read a task's conversation (inputs to its agent and its output), newest last. Capped: whole entries from the " +
    "end, long ones cut in the middle; older/newer count the rest (page with before_id/after_id). A paused task " +
    "shows its snapshot.",
  input: {
    task_id: taskIdArg,
    limit: z.number().int().min(1).max(1000).optional().describe(`Entries at most (default ${LIMIT_DEFAULT}).`),
    type: z.enum(["input", "output"]).optional().describe("Only inputs to the agent, or only its output."),
    before_id: z
      .number()
      .int()
      .min(-1)
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .describe("Only entries before this id."),
    after_id: z
      .number()
      .int()
      .min(-1)
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .describe("Only entries after this id, oldest first."),
  },
  output: {
    task_id: z.string(),
    owner: z.string(),
    name: z.string(),
    uri: z.string().describe("The log's resource URI (coder://tasks/{owner}/{task}/logs)."),
    snapshot: z
      .boolean()
      .describe("True when the task is not running and these are the entries saved when it stopped."),
    snapshot_at: z.string().nullable().describe("When the snapshot was taken, if known."),
    total: z.number().int().describe("Entries of the requested type in the whole log."),
    older: z.number().int().describe("Entries older than the first returned."),
    newer: z.number().int().describe("Entries newer than the last returned."),
    entries: z.array(
      z.object({
        id: z.number().int(),
        type: z.enum(["input", "output"]),
        time: z.string(),
        content: z.string(),
        cut_chars: z.number().int().optional().describe("Characters cut from the middle of this entry."),
      }),
    ),
    more: z.string().optional().describe("How to read what was left out."),
  },
  untrusted: "Each entry's content",
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  links: (r) => [taskLink(r, true)],
  async handler({ task_id, limit, type, before_id, after_id }, { coder, signal, settings }) {
    const task = await coder.resolveTask(task_id, { signal });
    const { window, ...logs } = await coder.readTaskLogs(
      refOf(task),
      windowSink({
        limit: limit ?? LIMIT_DEFAULT,
        type,
        beforeId: before_id,
        afterId: after_id,
        maxChars: settings.logMaxChars,
        maxEntryChars: Math.min(LOG_ENTRY_MAX_CHARS, settings.logMaxChars),
      }),
      { signal },
    );
    const first = window.entries[0]?.id;
    const last = window.entries.at(-1)?.id;
    const more = [
      window.older > 0 ? `${window.older} older: before_id ${first}` : "",
      window.newer > 0 ? `${window.newer} newer: after_id ${last}` : "",
    ].filter(Boolean);
    return {
      task_id: task.id,
      owner: task.owner_name,
      name: task.name,
      uri: logsUri(task.owner_name, task.name),
      snapshot: logs.snapshot ?? false,
      snapshot_at: logs.snapshot_at ?? null,
      total: window.total,
      older: window.older,
      newer: window.newer,
      entries: window.entries,
      ...(more.length > 0 ? { more: `Left out: ${more.join("; ")}.` } : {}),
    };
  },
});
