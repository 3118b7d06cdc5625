// Resource URIs: coder://tasks/{owner}/{task} and .../logs, owner and name URL-encoded.
import { isUuid } from "../coder/identifiers.js";

export const TASK_TEMPLATE = "coder://tasks/{owner}/{task}";
export const LOGS_TEMPLATE = "coder://tasks/{owner}/{task}/logs";

export function taskUri(owner: string, task: string): string {
  return `coder://tasks/${encodeURIComponent(owner)}/${encodeURIComponent(task)}`;
}

export function logsUri(owner: string, task: string): string {
  return `${taskUri(owner, task)}/logs`;
}

export interface ParsedUri {
  owner: string;
  task: string;
  logs: boolean;
}

/** Reads a task or logs URI; undefined for anything else (including malformed percent-encoding). */
export function parseTaskUri(uri: string): ParsedUri | undefined {
  const m = /^coder:\/\/tasks\/([^/]+)\/([^/]+)(\/logs)?$/.exec(uri);
  if (!m) return undefined;
  try {
    return {
      owner: decodeURIComponent(m[1] as string),
      task: decodeURIComponent(m[2] as string),
      logs: m[3] !== undefined,
    };
  } catch {
    return undefined;
  }
}

/** The identifier the Coder client resolves: a UUID alone (looked up globally), else owner/name. */
export function identifierOf(parsed: ParsedUri): string {
  return isUuid(parsed.task) ? parsed.task : `${parsed.owner}/${parsed.task}`;
}

export interface TaskLink {
  uri: string;
  name: string;
  title?: string;
  mimeType: string;
}

/** A link to a task's resource (or its log's), for tool results that name a task. */
export function taskLink(task: { owner: string; name: string; display_name?: string }, logs = false): TaskLink {
  const label = `${task.owner}/${task.name}`;
  return logs
    ? { uri: logsUri(task.owner, task.name), name: `${label} log`, title: `Log of ${label}`, mimeType: "text/markdown" }
    : {
        uri: taskUri(task.owner, task.name),
        name: label,
        title: task.display_name || label,
        mimeType: "application/json",
      };
}
