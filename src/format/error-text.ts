// The one place that words failures for a model: what failed, Coder's own message, detail and field errors (capped
// and fenced as the deployment's words, apart from this server's advice), and what to do next. No stack traces;
// secrets are redacted on the way out, by the transport's guard.
import { CoderBodyTooLargeError } from "../coder/body.js";
import {
  CoderApiError,
  CoderContractError,
  CoderTimeoutError,
  CoderUnreachableError,
  FeatureUnavailableError,
  InvalidIdentifierError,
  InvalidInputError,
  NotCoderError,
  NotConfiguredError,
  TaskNotFoundError,
  TasksUnavailableError,
  TemplateChoiceError,
} from "../coder/errors.js";
import type { Task } from "../coder/schemas.js";
import { FEATURES, formatVersion, NO_TASKS_API, SUPPORTED_VERSIONS, unsupportedText } from "../coder/versions.js";
import type { WaitCondition, WaitResult } from "../coder/wait.js";
import { TaskStateError } from "../tools/task-state-error.js";
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
  // Found before any request: say so, or a write tool's caller may fear it half-happened.
  if (err instanceof InvalidInputError)
    return join(inputText(err), ctx.writes ? "Nothing was sent to Coder." : undefined);
  if (err instanceof NotCoderError) return notCoderText(err);
  if (err instanceof TasksUnavailableError) {
    if (err.why === "unsupported") return unsupportedText(err.version, err.origin);
    return `Coder ${err.version} at ${err.origin} ${NO_TASKS_API}.`;
  }
  if (err instanceof FeatureUnavailableError) {
    const { what, since } = FEATURES[err.feature];
    return `${what[0]?.toUpperCase()}${what.slice(1)} needs Coder ${formatVersion(since)} or later; ${err.origin} runs Coder ${err.version}.`;
  }
  if (err instanceof NotConfiguredError || err instanceof TaskStateError) return err.message;
  if (err instanceof TaskNotFoundError) return notFound(err.identifier);
  if (err instanceof CoderUnreachableError) {
    return join(
      err.lost
        ? `The connection to Coder at ${err.origin} broke before it answered (${err.code}).`
        : `Cannot reach Coder at ${err.origin} (${err.code}). Check CODER_URL and that the deployment is up and reachable from this machine.`,
      ctx.writes ? uncertain(ctx, err) : undefined,
    );
  }
  if (err instanceof CoderTimeoutError) {
    return join(
      `Coder at ${err.origin} did not answer within ${err.timeoutMs / 1000} s (CODER_TASKS_MCP_TIMEOUT_SECONDS).`,
      ctx.writes ? uncertain(ctx, err) : "Try again; if it persists, the deployment is overloaded or unreachable.",
    );
  }
  if (err instanceof CoderBodyTooLargeError) {
    return join(`Coder's answer was too large to read: ${err.message}.`, ctx.writes ? uncertain(ctx, err) : undefined);
  }
  if (err instanceof CoderContractError) {
    return join(
      err.truncated
        ? `Coder's answer was cut short or is not JSON:\n${fenceCoderText(capText(err.message, CODER_TEXT_MAX_CHARS))}`
        : `Coder's answer did not match the Tasks API this server knows:\n${fenceCoderText(capText(err.message, CODER_TEXT_MAX_CHARS))}\nIs the deployment one this server supports (${SUPPORTED_VERSIONS})?`,
      ctx.writes ? uncertain(ctx, err) : undefined,
    );
  }
  if (err instanceof Error && err.name === "AbortError") return `${ctx.tool} was cancelled.`;
  return join(
    `${ctx.tool} failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`,
    ctx.writes ? uncertain(ctx, err) : undefined,
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
  // The busy agent: 502 before v2.32, 409 since. Coder checked before delivering anything.
  if (message === "Task app is not ready to accept input.") {
    return "The input was NOT sent: the agent is busy. Wait until it is idle with coder_wait_for_task, then send it (or send with wait: true, which does both).";
  }
  // "Task status must be active." before v2.31.1, for every status but active.
  if (message === "Task must be active." || message === "Task status must be active.") {
    return "The task is not active, and Coder takes input and serves logs only for an active task (before v2.31.1, a paused one has no log either): check its status with coder_get_task. A starting task becomes active by itself (coder_wait_for_task); for an errored one, see its workspace build logs in Coder, or delete it.";
  }
  switch (err.status) {
    case 401:
      return "The session token is invalid or expired: set CODER_SESSION_TOKEN to a valid token (`coder tokens create`) or run `coder login`, then restart this server.";
    case 403:
      return "Your Coder user is not allowed to do this; ask a Coder admin for access.";
    case 404:
      if (err.routeNotFound) {
        return `This Coder deployment ${NO_TASKS_API}.`;
      }
      if (taskId) return notFound(taskId);
      return "Nothing by that name or ID is visible to you: check the user, template or organization given.";
    case 409:
      if (message === "Task is paused.") return "Resume it with coder_resume_task, then try again.";
      if (message === "Task is pending." || message === "Task is initializing.") {
        return "Wait until the task is active (coder_get_task shows its status), then try again.";
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
      if (err.status >= 500)
        return ctx.writes ? uncertain(ctx, err) : "This is a server-side failure: try again later.";
      return undefined;
  }
}

function notFound(identifier: string): string {
  return `No task "${identifier}" is visible to you. List tasks with coder_list_tasks; a bare name is looked up among your own tasks, so use owner/name or the task ID for someone else's.`;
}

/**
 * After a write tool failed without a clear answer, its write may still have taken effect: never repeat it blindly.
 * Unless the Coder client knows no write of the call was sent (`sent` false): then saying so lets the model retry.
 */
function uncertain(ctx: ErrorContext, err: unknown): string {
  if (err instanceof Error && "sent" in err && err.sent === false) {
    return `Nothing was sent to Coder that changes anything: call ${ctx.tool} again once this is fixed.`;
  }
  const check =
    ctx.tool === "coder_create_task"
      ? "coder_list_tasks, whether the task exists,"
      : `the task (coder_get_task${ctx.tool === "coder_send_task_input" ? ", coder_get_task_logs" : ""})`;
  return `The request may have reached Coder: check ${check} before calling ${ctx.tool} again.`;
}

function join(...parts: Array<string | undefined>): string {
  return parts.filter(Boolean).join("\n");
}

/** Input to fix, named as the tools' arguments name it; `where` (e.g. a resource URI) stands for the argument. */
export function inputText(err: InvalidInputError, where?: string): string {
  if (err instanceof TemplateChoiceError) return templateChoiceText(err);
  if (!(err instanceof InvalidIdentifierError)) return err.message;
  const subject = `${where ? `${where}: ` : `${err.kind === "task" ? "task_id" : "user"} `}"${err.value}"`;
  if (err.kind === "user") {
    return `${subject} is not a Coder user: use "me", a username (letters, digits and single hyphens) or a user ID`;
  }
  const why = {
    slashes: "more than one '/'",
    owner: `"${err.part}" is not a username`,
    empty: "the name is empty",
    name: `"${err.part}" is not a task name`,
    user: `"${err.part}" is not a username`,
  }[err.problem];
  return `${subject} is not a task identifier (${why}): use a task ID (UUID), a task name, or owner/name`;
}

function templateChoiceText(err: TemplateChoiceError): string {
  const names = err.candidates.map((c) =>
    c.displayName && c.displayName !== c.name ? `${c.name} (${c.displayName})` : c.name,
  );
  const aiTemplates =
    names.length === 0
      ? "No template on this deployment can run AI tasks (a template needs a coder_ai_task resource)."
      : `Templates that can run AI tasks: ${names.join(", ")}. Pass one as template.`;
  switch (err.problem) {
    case "template and version":
      return "Give either template or template_version_id, not both.";
    case "preset and preset id":
      return "Give either preset or template_version_preset_id, not both.";
    case "no template given":
      return `No template given. ${aiTemplates}`;
    case "no such template":
      return `No template named "${err.asked}". ${aiTemplates}`;
    case "several templates": {
      const ids = err.candidates.map((c) => `${c.id} (organization ${c.organization ?? "?"})`).join(", ");
      return `Several templates are named "${err.asked}": pass the ID of one as template: ${ids}.`;
    }
    case "no such preset": {
      const presets = err.candidates.map((c) => `"${c.name}"`).join(", ");
      return `No preset "${err.asked}" in this template version. ${presets ? `Its presets: ${presets}.` : "It has no presets: leave preset out."}`;
    }
  }
}

/** What a wait's outcome means, and what to do next. */
export function waitNote(until: WaitCondition, result: WaitResult): string {
  const { task } = result;
  switch (result.reason) {
    case "reached":
      if (until === "idle") return `The agent is ${task.current_state?.state}.`;
      return until === "any_change" ? "The task's status or state changed." : `The task is ${until}.`;
    case "silent":
      return "The task is active and its agent has reported no state for a while: taken as idle.";
    case "paused":
      return `The task is paused and will not go on by itself: ${pausedAdvice(task, result.canResume ?? false)}.`;
    case "unknown":
      return "The task's status is unknown (its workspace is neither running nor stopped): check it with coder_get_task.";
    case "error":
      return "The task has been in error for too long: check it with coder_get_task.";
    case "time":
      return `Not ${until === "any_change" ? "changed" : until} yet; call coder_wait_for_task again to keep waiting.`;
  }
}

/** What to do about a paused task, on the deployment's version: resume arrives in v2.31.1. */
export function pausedAdvice(task: Task, canResume: boolean): string {
  if (canResume) return "resume it with coder_resume_task";
  const workspace = `${task.owner_name}/${task.workspace_name || task.name}`;
  return `this Coder version cannot resume a task through its API (v2.31.1+ can): start its workspace ${workspace} again in Coder (dashboard, or \`coder start ${workspace}\`), then wait for it with coder_wait_for_task`;
}

/** A URL that is not Coder's, and how to set the right one. */
export function notCoderText(err: NotCoderError): string {
  return (
    `${err.message}. Set CODER_URL to the address you open Coder at, ` +
    "with its path prefix if it has one (e.g. https://example.com/coder)."
  );
}
