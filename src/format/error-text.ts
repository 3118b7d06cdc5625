// The one place that words failures for a model: what failed, Coder's own message, detail and field errors (capped
// and fenced as the deployment's words, apart from this server's advice), and what to do next. No stack traces;
// secrets are redacted on the way out, by the transport's guard.
import {
  CoderApiError,
  CoderContractError,
  CoderTimeoutError,
  CoderUnreachableError,
  FeatureUnavailableError,
  InvalidInputError,
  NotConfiguredError,
  TaskNotFoundError,
  TaskStateError,
  TasksUnavailableError,
} from "../coder/errors.js";
import { capText, cleanText, fenceCoderText } from "./untrusted.js";

/** An error text at most; Coder's own words within it, less (CODER_TEXT_MAX_CHARS). */
const ERROR_MAX_CHARS = 8000;
/** Coder's message, detail and field errors together, and how many field errors are listed. */
const CODER_TEXT_MAX_CHARS = 4000;
const VALIDATIONS_SHOWN = 20;

export interface ErrorContext {
  tool: string;
  args: Record<string, unknown>;
  /** The tool changes something in Coder: a failed answer does not prove nothing happened. */
  writes: boolean;
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  406: "Not Acceptable",
  409: "Conflict",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** What a failure says, cleaned of hidden characters and capped: it may quote Coder or an agent. */
export function errorText(err: unknown, ctx: ErrorContext): string {
  return capText(cleanText(describe(err, ctx)), ERROR_MAX_CHARS);
}

function describe(err: unknown, ctx: ErrorContext): string {
  if (err instanceof CoderApiError) return apiErrorText(err, ctx);
  if (
    err instanceof InvalidInputError ||
    err instanceof NotConfiguredError ||
    err instanceof TasksUnavailableError ||
    err instanceof TaskStateError ||
    err instanceof FeatureUnavailableError
  ) {
    return err.message;
  }
  if (err instanceof TaskNotFoundError) return notFound(err.identifier);
  if (err instanceof CoderUnreachableError) {
    return join(
      err.lost
        ? `The connection to Coder at ${err.origin} broke before it answered (${err.code}).`
        : `Cannot reach Coder at ${err.origin} (${err.code}). Check CODER_URL and that the deployment is up and reachable from this machine.`,
      ctx.writes ? uncertain(ctx) : undefined,
    );
  }
  if (err instanceof CoderTimeoutError) {
    return join(
      `Coder at ${err.origin} did not answer within ${err.timeoutMs / 1000} s (CODER_TASKS_MCP_TIMEOUT_SECONDS).`,
      ctx.writes ? uncertain(ctx) : "Try again; if it persists, the deployment is overloaded or unreachable.",
    );
  }
  if (err instanceof CoderContractError) {
    return join(
      err.truncated
        ? `Coder's answer was cut short or is not JSON:\n${fenceCoderText(capText(err.message, CODER_TEXT_MAX_CHARS))}`
        : `Coder's answer did not match the Tasks API this server knows:\n${fenceCoderText(capText(err.message, CODER_TEXT_MAX_CHARS))}\nIs the deployment a Coder version with Tasks (v2.26 to v2.34)?`,
      ctx.writes ? uncertain(ctx) : undefined,
    );
  }
  if (err instanceof Error && err.name === "AbortError") return `${ctx.tool} was cancelled.`;
  return join(
    `${ctx.tool} failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`,
    ctx.writes ? uncertain(ctx) : undefined,
  );
}

function apiErrorText(err: CoderApiError, ctx: ErrorContext): string {
  const head = `Coder answered ${err.status} ${STATUS_TEXT[err.status] ?? ""}`.trimEnd();
  return join(`${head} to ${err.method} ${err.path}.`, fenceCoderText(coderWords(err)), hint(err, ctx));
}

/** Coder's message, detail and field errors, bounded: a deployment can send megabytes of each. */
function coderWords(err: CoderApiError): string {
  const lines = [err.message.length > CODER_TEXT_MAX_CHARS ? capText(err.message, CODER_TEXT_MAX_CHARS) : err.message];
  if (err.detail) lines.push(`Detail: ${capText(err.detail, CODER_TEXT_MAX_CHARS)}`);
  for (const v of err.validations.slice(0, VALIDATIONS_SHOWN)) lines.push(capText(`- ${v.field}: ${v.detail}`, 500));
  const words = capText(lines.join("\n"), CODER_TEXT_MAX_CHARS);
  const more = err.validations.length - VALIDATIONS_SHOWN;
  return more > 0 ? `${words}\n… and ${more} more field errors (${err.validations.length} in all).` : words;
}

function hint(err: CoderApiError, ctx: ErrorContext): string | undefined {
  const taskId = typeof ctx.args.task_id === "string" ? ctx.args.task_id : undefined;
  const message = err.message;
  switch (err.status) {
    case 401:
      return "The session token is invalid or expired: set CODER_SESSION_TOKEN to a valid token (`coder tokens create`) or run `coder login`, then restart this server.";
    case 403:
      return "Your Coder user is not allowed to do this; ask a Coder admin for access.";
    case 404:
      if (message === "Route not found.") {
        return "This Coder deployment does not serve the Tasks API: Tasks exists from v2.26 to v2.34 and is removed or disabled (CODER_ENABLE_AI_TASKS) in later releases.";
      }
      if (taskId) return notFound(taskId);
      return "Nothing by that name or ID is visible to you: check the user, template or organization given.";
    case 409:
      if (message === "Task is paused.") return "Resume it with coder_resume_task, then try again.";
      if (message === "Task is pending." || message === "Task is initializing.") {
        return "Wait until the task is active (coder_get_task shows its status), then try again.";
      }
      if (message.startsWith("Task app is not ready")) {
        return "The agent is busy: wait until its state is idle (coder_get_task), then try again.";
      }
      if (message.startsWith("Unable to update task input")) return "Pause it with coder_pause_task first.";
      if (message.startsWith("A workspace build is already active")) {
        return "Wait for the running build to finish (coder_get_task shows the status), then try again.";
      }
      if (message.startsWith("Task workspace is already running"))
        return "The task is already running: nothing to resume.";
      if (message.startsWith("Cannot fetch logs"))
        return "Logs are not available in this status; check it with coder_get_task.";
      return undefined;
    case 429: {
      const seconds = err.retryAfterMs === undefined ? undefined : Math.ceil(err.retryAfterMs / 1000);
      return `Coder rate-limited this client: wait ${seconds ? `${seconds} s` : "a minute"} before trying again.`;
    }
    default:
      if (message === "Task must be active.") {
        return "Check the task with coder_get_task: an errored task may need to be resumed or deleted.";
      }
      if (err.status >= 500) return ctx.writes ? uncertain(ctx) : "This is a server-side failure: try again later.";
      return undefined;
  }
}

function notFound(identifier: string): string {
  return `No task "${identifier}" is visible to you. List tasks with coder_list_tasks; a bare name is looked up among your own tasks, so use owner/name or the task ID for someone else's.`;
}

/** After a write failed without a clear answer, it may still have taken effect: never repeat it blindly. */
function uncertain(ctx: ErrorContext): string {
  const check =
    ctx.tool === "coder_create_task"
      ? "coder_list_tasks, whether the task exists,"
      : `the task (coder_get_task${ctx.tool === "coder_send_task_input" ? ", coder_get_task_logs" : ""})`;
  return `The request may have reached Coder: check ${check} before calling ${ctx.tool} again.`;
}

function join(...parts: Array<string | undefined>): string {
  return parts.filter(Boolean).join("\n");
}
