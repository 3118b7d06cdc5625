// Reading a task or logs resource, and the protocol errors a failed read becomes. Coder's text is cleaned here;
// secrets are redacted on the way out, by the transport's guard.
import { ErrorCode, McpError, type ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import type { CoderClient } from "../coder/client.js";
import { CoderApiError, InvalidInputError, NotConfiguredError, TaskNotFoundError } from "../coder/errors.js";
import { refOf } from "../coder/identifiers.js";
import { logsServed } from "../coder/logs.js";
import type { Task } from "../coder/schemas.js";
import { errorText, inputText } from "../format/error-text.js";
import { LOG_ENTRY_MAX_CHARS } from "../format/log-limits.js";
import { windowSink } from "../format/log-window.js";
import { logsMarkdown } from "../format/logs-markdown.js";
import { identifierOf, parseTaskUri } from "../format/task-uris.js";
import { cleanDeep, cleanUntrusted } from "../format/untrusted.js";

/** The protocol's "resource not found" (MCP specification, resources: error handling). */
export const RESOURCE_NOT_FOUND = -32002;

export interface ReadDeps {
  coder(): CoderClient;
  logMaxChars: number;
}

type Contents = ReadResourceResult["contents"][number] & { text: string };

export async function readTaskResource(uri: string, deps: ReadDeps, signal: AbortSignal): Promise<ReadResourceResult> {
  const parsed = parseTaskUri(uri);
  if (!parsed)
    throw new McpError(RESOURCE_NOT_FOUND, `Resource not found: ${uri} is not a coder://tasks/{owner}/{task} URI.`);
  const identifier = identifierOf(parsed);
  try {
    const coder = deps.coder();
    const task = await coder.resolveTask(identifier, { signal });
    return {
      contents: [parsed.logs ? await logContents(coder, task, uri, deps, signal) : taskContents(task, uri)],
    };
  } catch (err) {
    if (missingTask(err)) {
      throw new McpError(RESOURCE_NOT_FOUND, `Resource not found: no task "${identifier}" is visible to you (${uri}).`);
    }
    if (err instanceof InvalidInputError) throw new McpError(ErrorCode.InvalidParams, inputText(err, uri));
    throw coderProblem(err, "resources/read", { task_id: identifier });
  }
}

/** A resolved task as the task resource shows it. */
export function taskContents(task: Task, uri: string): Contents {
  const json = JSON.stringify(cleanDeep(task, cleanUntrusted), null, 2);
  return { uri, mimeType: "application/json", text: json };
}

/** A resolved task's log as the logs resource shows it. */
export async function logContents(
  coder: CoderClient,
  task: Task,
  uri: string,
  deps: ReadDeps,
  signal: AbortSignal,
): Promise<Contents> {
  if (!(await logsServed(coder, task, signal))) {
    const text = `# Log of task ${task.owner_name}/${task.name} (${task.status})\n\nCoder serves no log for it now: only an active task has a live log, and only Coder v2.31.1+ keep a snapshot for a paused, pending or initializing one.\n`;
    return { uri, mimeType: "text/markdown", text: cleanDeep(text, cleanUntrusted) };
  }
  const { window, ...logs } = await coder.readTaskLogs(
    refOf(task),
    windowSink({
      limit: Number.POSITIVE_INFINITY,
      maxChars: deps.logMaxChars,
      maxEntryChars: Math.min(LOG_ENTRY_MAX_CHARS, deps.logMaxChars),
    }),
    { signal },
  );
  const text = logsMarkdown(cleanDeep(task, cleanUntrusted), logs, cleanDeep(window, cleanUntrusted));
  return { uri, mimeType: "text/markdown", text };
}

/** No task by that identifier is visible (as opposed to a Coder without the task routes). */
export function missingTask(err: unknown): boolean {
  return err instanceof TaskNotFoundError || (err instanceof CoderApiError && err.status === 404 && !err.routeNotFound);
}

/**
 * The protocol error for a failed call to Coder, worded as tool errors are. Input to fix (a bad argument, a task that
 * does not exist) is InvalidParams; nothing configured is the request's problem, not an internal error: -32600 with
 * what to set, where clients would otherwise show a bare -32603; anything else (Coder unreachable, failing) -32603.
 */
export function coderProblem(err: unknown, what: string, args: Record<string, unknown> = {}): McpError {
  if (err instanceof NotConfiguredError) {
    return new McpError(ErrorCode.InvalidRequest, `This server is not configured. ${err.message}`);
  }
  const code = err instanceof InvalidInputError || missingTask(err) ? ErrorCode.InvalidParams : ErrorCode.InternalError;
  return new McpError(code, errorText(err, { tool: what, args, writes: false }));
}
