// Typed failures of the Coder client. They carry facts only; the words a model reads are written once, in
// format/error-text.ts.
import type { Feature } from "./versions.js";

export interface Validation {
  field: string;
  detail: string;
}

/**
 * Failures of a request to Coder carry `sent`, set by the request core: true when a write made for the same call (this
 * request or one before it) may have reached Coder and taken effect. False means none did: the connection was
 * refused, Coder refused the write (4xx), or a read before the write (a lookup, the version probe) failed.
 */
export interface SentFact {
  sent: boolean;
}

/** A request to Coder that failed: the kinds below. */
export abstract class CoderRequestError extends Error implements SentFact {
  sent = false;
}

/** Coder (or a proxy in front of it) answered with a non-2xx status. */
export class CoderApiError extends CoderRequestError {
  override readonly name = "CoderApiError";
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    message: string,
    readonly detail: string | undefined,
    readonly validations: Validation[],
    /** From a Retry-After header (429, 503). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  /** Coder has no such route (the router's own 404): nothing was processed, and the Tasks API may be absent. */
  get routeNotFound(): boolean {
    return this.status === 404 && this.message === "Route not found.";
  }
}

/** No answer: connection refused, DNS failure, reset, TLS failure. */
export class CoderUnreachableError extends CoderRequestError {
  override readonly name = "CoderUnreachableError";
  constructor(
    readonly origin: string,
    readonly code: string,
  ) {
    super(`cannot reach Coder at ${origin} (${code})`);
  }

  /** The connection broke after it was made: the request may have arrived. */
  get lost(): boolean {
    return ["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED"].includes(this.code);
  }

  /** No connection was made (refused, DNS, route, connect time-out, TLS handshake): the request never left. */
  get neverConnected(): boolean {
    return NOT_CONNECTED.test(this.code);
  }
}

const NOT_CONNECTED =
  /^(ECONNREFUSED|ENOTFOUND|EAI_[A-Z]+|EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|ENETDOWN|EADDRNOTAVAIL|UND_ERR_CONNECT_TIMEOUT|ERR_TLS_[A-Z_]+|[A-Z_]*CERT[A-Z_]*)$/;

/** Coder did not answer within the request time-out. */
export class CoderTimeoutError extends CoderRequestError {
  override readonly name = "CoderTimeoutError";
  constructor(
    readonly origin: string,
    readonly timeoutMs: number,
  ) {
    super(`Coder at ${origin} did not answer within ${timeoutMs / 1000} s`);
  }
}

/** A success status whose body is not what the Coder API documents. */
export class CoderContractError extends CoderRequestError {
  override readonly name = "CoderContractError";
  constructor(
    readonly method: string,
    readonly path: string,
    problem: string,
    /** The body was not JSON at all: likely cut short in transit. */
    readonly truncated = false,
  ) {
    super(`${method} ${path}: ${problem}`);
  }
}

/** The caller's input cannot make a valid request (detected before anything is sent). */
export class InvalidInputError extends Error {
  override readonly name: string = "InvalidInputError";
}

/** Why a task identifier or user is not one Coder accepts. */
export type IdentifierProblem = "slashes" | "owner" | "empty" | "name" | "user";

/** A task identifier (`kind` task) or user (`kind` user) that Coder would refuse; `part` is the offending piece. */
export class InvalidIdentifierError extends InvalidInputError {
  override readonly name = "InvalidIdentifierError";
  constructor(
    readonly kind: "task" | "user",
    readonly value: string,
    readonly problem: IdentifierProblem,
    readonly part = value,
  ) {
    super(`"${value}" is not a valid ${kind} identifier (${problem}: "${part}")`);
  }
}

/** A template or preset, as Coder lists them, offered where the one asked for cannot be picked. */
export interface Candidate {
  id: string;
  name: string;
  displayName?: string;
  organization?: string;
}

export type TemplateProblem =
  | "template and version"
  | "preset and preset id"
  | "no template given"
  | "no such template"
  | "several templates"
  | "no such preset";

/** The template (or preset) for a new task cannot be picked; `candidates` are what there is to choose from. */
export class TemplateChoiceError extends InvalidInputError {
  override readonly name = "TemplateChoiceError";
  constructor(
    readonly problem: TemplateProblem,
    readonly candidates: Candidate[] = [],
    /** The name asked for, if any. */
    readonly asked?: string,
  ) {
    super(`cannot pick the template: ${problem}${asked ? ` ("${asked}")` : ""}`);
  }
}

/** No usable deployment URL or token; the message says what to set. */
export class NotConfiguredError extends Error {
  override readonly name = "NotConfiguredError";
}

/** The deployment has no Tasks API this server can use: a release before v2.28 (`unsupported`), or none served. */
export class TasksUnavailableError extends Error {
  override readonly name = "TasksUnavailableError";
  constructor(
    readonly origin: string,
    readonly version: string,
    readonly why: "unsupported" | "not served",
  ) {
    super(`Coder ${version} at ${origin}: no Tasks API (${why})`);
  }
}

/** The deployment's Coder version lacks one feature (nothing was sent for it). */
export class FeatureUnavailableError extends Error {
  override readonly name = "FeatureUnavailableError";
  constructor(
    readonly feature: Feature,
    readonly origin: string,
    readonly version: string,
  ) {
    super(`Coder ${version} at ${origin} lacks ${feature}`);
  }
}

/** No visible task has that name (found by listing, on versions that cannot look a name up). */
export class TaskNotFoundError extends Error {
  override readonly name = "TaskNotFoundError";
  constructor(readonly identifier: string) {
    super(`No task "${identifier}" is visible to you.`);
  }
}

/** The URL answers, but not as Coder does (or lacks Coder's path prefix). */
export class NotCoderError extends Error {
  override readonly name = "NotCoderError";
  constructor(
    /** The deployment URL as configured. */
    readonly url: string,
    /** What the build-info probe saw instead of Coder's answer. */
    readonly seen: string,
  ) {
    super(`${url} does not look like a Coder deployment: ${seen}`);
  }
}

/** A failure in a few words, for logs and notes: Coder's status and message, or the error's message. */
export function describeFailure(err: unknown): string {
  if (err instanceof CoderApiError) return `${err.status} ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
