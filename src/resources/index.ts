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
import { LOGS_TEMPLATE, TASK_TEMPLATE, taskUri } from "../format/task-uris.js";
import { capText, cleanLine } from "../format/untrusted.js";
import { type ReadDeps, readTaskResource } from "./read.js";
import { Subscriptions } from "./subscriptions.js";

export interface ResourceDeps extends ReadDeps {
  pollIntervalMs: number;
  /** Reports what the user may want to know (a failing poll). */
  warn(message: string): void;
}

const PAGE_SIZE = 50;
const TITLE_MAX_CHARS = 200;
const DESCRIPTION_MAX_CHARS = 500;

export function registerResources(server: McpServer, deps: ResourceDeps): () => void {
  const complete = {
    owner: (value: string) => completeOwner(deps, value),
    task: (value: string, context?: { arguments?: Record<string, string> }) =>
      completeTask(deps, value, context?.arguments?.owner),
  };
  server.registerResource(
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
  server.registerResource(
    "task-logs",
    new ResourceTemplate(LOGS_TEMPLATE, { list: undefined, complete }),
    {
      title: "Coder task log",
      description: "A task's conversation as Markdown: the last entries within the log cap, newest last.",
      mimeType: "text/markdown",
    },
    (uri, _vars, extra) => readTaskResource(uri.href, deps, extra.signal),
  );

  // The SDK's resources/list has no cursor: this one pages through the user's tasks.
  server.server.removeRequestHandler("resources/list");
  server.server.setRequestHandler(ListResourcesRequestSchema, async (request, extra) => {
    const offset = decodeCursor(request.params?.cursor);
    const { tasks } = await deps.coder().listTasks({ owner: "me" }, { signal: extra.signal });
    const page = tasks.slice(offset, offset + PAGE_SIZE).map(taskResource);
    const next = offset + PAGE_SIZE < tasks.length ? encodeCursor(offset + PAGE_SIZE) : undefined;
    return { resources: page, ...(next ? { nextCursor: next } : {}) };
  });

  const subscriptions = new Subscriptions(deps.coder, deps.pollIntervalMs, {
    updated: (uri) => void server.server.sendResourceUpdated({ uri }).catch(() => {}),
    listChanged: () => server.sendResourceListChanged(),
    failed: (uri, err) =>
      deps.warn(
        `Polling ${uri ?? "subscribed tasks"} failed (reported once until it works again): ${err instanceof Error ? err.message : String(err)}`,
      ),
  });
  server.server.registerCapabilities({ resources: { subscribe: true, listChanged: true } });
  server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    deps.coder();
    if (!(await subscriptions.subscribe(request.params.uri))) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `Cannot subscribe to ${request.params.uri}: not a coder://tasks/{owner}/{task} resource.`,
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
