// Reading a task or logs resource, and the protocol errors a failed read becomes. Coder's text is cleaned here;
// secrets are redacted on the way out, by the transport's guard.
import { ErrorCode, McpError, type ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import type { CoderClient } from "../coder/client.js";
import { CoderApiError, InvalidInputError, TaskNotFoundError } from "../coder/errors.js";
import { refOf } from "../coder/identifiers.js";
import { errorText } from "../format/error-text.js";
import { logWindow } from "../format/log-window.js";
import { logsMarkdown } from "../format/logs-markdown.js";
import { identifierOf, parseTaskUri } from "../format/task-uris.js";
import { cleanDeep, cleanUntrusted } from "../format/untrusted.js";

/** The protocol's "resource not found" (MCP specification, resources: error handling). */
export const RESOURCE_NOT_FOUND = -32002;

const LOG_ENTRY_MAX_CHARS = 4000;

export interface ReadDeps {
  coder(): CoderClient;
  logMaxChars: number;
}

export async function readTaskResource(uri: string, deps: ReadDeps, signal: AbortSignal): Promise<ReadResourceResult> {
  const parsed = parseTaskUri(uri);
  if (!parsed)
    throw new McpError(RESOURCE_NOT_FOUND, `Resource not found: ${uri} is not a coder://tasks/{owner}/{task} URI.`);
  const identifier = identifierOf(parsed);
  try {
    const coder = deps.coder();
    const task = await coder.resolveTask(identifier, { signal });
    if (!parsed.logs) {
      const json = JSON.stringify(cleanDeep(task, cleanUntrusted), null, 2);
      return { contents: [{ uri, mimeType: "application/json", text: json }] };
    }
    const logs = await coder.getTaskLogs(refOf(task), { signal });
    const window = logWindow(logs.logs, {
      limit: Number.POSITIVE_INFINITY,
      maxChars: deps.logMaxChars,
      maxEntryChars: Math.min(LOG_ENTRY_MAX_CHARS, deps.logMaxChars),
    });
    const text = logsMarkdown(cleanDeep(task, cleanUntrusted), logs, cleanDeep(window, cleanUntrusted));
    return { contents: [{ uri, mimeType: "text/markdown", text }] };
  } catch (err) {
    if (
      err instanceof TaskNotFoundError ||
      (err instanceof CoderApiError && err.status === 404 && err.message !== "Route not found.")
    ) {
      throw new McpError(RESOURCE_NOT_FOUND, `Resource not found: no task "${identifier}" is visible to you (${uri}).`);
    }
    if (err instanceof InvalidInputError) throw new McpError(ErrorCode.InvalidParams, `${uri}: ${err.message}`);
    const text = errorText(err, { tool: "resources/read", args: { task_id: identifier }, writes: false });
    throw new McpError(ErrorCode.InternalError, text);
  }
}
