// Tasks and their logs as MCP resources: two templates, a paginated list of the user's tasks, completion of the
// template variables, and subscriptions polled while anyone is subscribed.
import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  ErrorCode,
  ListResourcesRequestSchema,
  McpError,
  type Resource,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { Task } from "../coder/schemas.js";
import { complete } from "../format/completions.js";
import { errorText } from "../format/error-text.js";
import { LOGS_TEMPLATE, parseTaskUri, TASK_TEMPLATE, taskUri } from "../format/task-uris.js";
import { capText, cleanLine } from "../format/untrusted.js";
import { coderProblem, type ReadDeps, readTaskResource } from "./read.js";
import { Subscriptions } from "./subscriptions.js";

export interface ResourceDeps extends ReadDeps {
  pollIntervalMs: number;
  /** Reports what the user may want to know (a failing poll). */
  warn(message: string): void;
  /** Whether every one of these tools is served (the inventory's rule). */
  serves(...tools: string[]): boolean;
}

const PAGE_SIZE = 50;
const TITLE_MAX_CHARS = 200;
const DESCRIPTION_MAX_CHARS = 500;

/**
 * Each resource mirrors a reading tool and is offered only when that tool is served: the task resource, the list of
 * tasks and subscriptions to tasks follow coder_get_task; the logs resource and subscriptions to logs follow
 * coder_get_task_logs. With neither, the server offers no resources at all.
 */
export function registerResources(server: McpServer, deps: ResourceDeps): () => void {
  const offers = { task: deps.serves("coder_get_task"), logs: deps.serves("coder_get_task_logs") };
  if (!offers.task && !offers.logs) return () => {};
  const complete = {
    owner: (value: string) => completeOwner(deps, value),
    task: (value: string, context?: { arguments?: Record<string, string> }) =>
      completeTask(deps, value, context?.arguments?.owner),
  };
  const task = server.registerResource(
    "task",
    new ResourceTemplate(TASK_TEMPLATE, { list: undefined, complete }),
    {
      title: "Coder task",
      description:
        "A Coder task as JSON (as coder_get_task returns it). {owner} is a username; {task} a task name or ID.",
      mimeType: "application/json",
    },
    (uri, _vars, extra) => readTaskResource(uri.href, deps, extra.signal),
  );
  const logs = server.registerResource(
    "task-logs",
    new ResourceTemplate(LOGS_TEMPLATE, { list: undefined, complete }),
    {
      title: "Coder task log",
      description: "A task's conversation as Markdown: the last entries within the log cap, newest last.",
      mimeType: "text/markdown",
    },
    (uri, _vars, extra) => readTaskResource(uri.href, deps, extra.signal),
  );

  // Removed before any client sees them, as a disabled tool is: the SDK's reads ignore a disabled template.
  if (!offers.task) task.remove();
  if (!offers.logs) logs.remove();

  // The SDK's resources/list has no cursor: this one pages through the user's tasks.
  server.server.removeRequestHandler("resources/list");
  server.server.setRequestHandler(ListResourcesRequestSchema, async (request, extra) => {
    // The listed resources are tasks: without the task resource there is nothing to list.
    if (!offers.task) return { resources: [] };
    const offset = decodeCursor(request.params?.cursor);
    let listed: { tasks: Task[]; skipped: Array<{ task: string; problem: string }> };
    try {
      listed = await deps.coder().listTasks({ owner: "me" }, { signal: extra.signal });
    } catch (err) {
      throw extra.signal.aborted ? err : coderProblem(err, "resources/list");
    }
    const { tasks, skipped } = listed;
    for (const s of skipped) deps.warn(`Task ${s.task} is left out of the resource list: ${s.problem}`);
    const page = tasks.slice(offset, offset + PAGE_SIZE).map(taskResource);
    const next = offset + PAGE_SIZE < tasks.length ? encodeCursor(offset + PAGE_SIZE) : undefined;
    return { resources: page, ...(next ? { nextCursor: next } : {}) };
  });

  const subscriptions = new Subscriptions(deps.coder, deps.pollIntervalMs, {
    updated: (uri) => void server.server.sendResourceUpdated({ uri }).catch(() => {}),
    listChanged: () => offers.task && server.sendResourceListChanged(),
    failed: (uri, err) =>
      deps.warn(
        `Polling ${uri ?? "subscribed tasks"} failed (reported once until it works again): ${errorText(err, { tool: "resources/subscribe", args: {}, writes: false })}`,
      ),
  });
  server.server.registerCapabilities({ resources: { subscribe: true, listChanged: true } });
  server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    try {
      deps.coder();
    } catch (err) {
      throw coderProblem(err, "resources/subscribe");
    }
    const offered = parseTaskUri(request.params.uri)?.logs ? offers.logs : offers.task;
    if (!offered || !(await subscriptions.subscribe(request.params.uri))) {
      const kinds = [offers.task && TASK_TEMPLATE, offers.logs && LOGS_TEMPLATE].filter(Boolean).join(" or ");
      throw new McpError(
        ErrorCode.InvalidParams,
        `Cannot subscribe to ${request.params.uri}: not a ${kinds} resource.`,
      );
    }
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    subscriptions.unsubscribe(request.params.uri);
    return {};
  });
  return () => subscriptions.stop();
}

/** Names and the agent's message are Coder's and the agent's words: one line each, cleaned and capped. */
function taskResource(task: Task): Resource {
  const label = capText(task.display_name || task.name, TITLE_MAX_CHARS);
  const message = task.current_state?.message;
  return {
    uri: taskUri(task.owner_name, task.name),
    name: cleanLine(`${task.owner_name}/${task.name}`),
    title: cleanLine(`${label} (${task.status})`),
    description: cleanLine(
      message ? capText(message, DESCRIPTION_MAX_CHARS) : `Task ${task.owner_name}/${task.name}, ${task.status}.`,
    ),
    mimeType: "application/json",
    annotations: { lastModified: new Date(task.updated_at).toISOString() },
  };
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString("base64url");
}

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { offset: unknown };
    if (Number.isInteger(offset) && (offset as number) >= 0) return offset as number;
  } catch {
    // Reported below.
  }
  throw new McpError(ErrorCode.InvalidParams, "Invalid cursor: pass back the nextCursor of a resources/list result.");
}

/** Owners of visible tasks, `me` first. */
function completeOwner(deps: ReadDeps, value: string): Promise<string[]> {
  return complete(async () => {
    const { tasks } = await deps.coder().listTasks({});
    return ["me", ...new Set(tasks.map((t) => t.owner_name))];
  }, value);
}

function completeTask(deps: ReadDeps, value: string, owner = "me"): Promise<string[]> {
  return complete(async () => {
    const { tasks } = await deps.coder().listTasks({ owner: decodeURIComponent(owner) || "me" });
    return tasks.map((t) => t.name);
  }, value);
}
