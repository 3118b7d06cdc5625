// What a non-2xx answer says, read the way codersdk's ReadBodyAsError reads it: Coder's message, detail and field
// errors from a codersdk.Response, or what a proxy's page shows.
import { REJECTED_BODY_CAP } from "./body.js";
import { CoderApiError, type Validation } from "./errors.js";
import { parseRetryAfter } from "./retry.js";
import { ErrorBodySchema } from "./schemas.js";

type Headers = Record<string, string | string[] | undefined>;

const ERROR_TEXT_LIMIT = 2048;

/** Turns a non-2xx answer into CoderApiError; `cut` when only the body's first REJECTED_BODY_CAP bytes were read. */
export function apiError(
  method: string,
  path: string,
  status: number,
  headers: Headers,
  text: string,
  cut = false,
): CoderApiError {
  const retryAfter = parseRetryAfter(headerValue(headers["retry-after"]));
  const fail = (message: string, detail?: string, validations: Validation[] = []) =>
    new CoderApiError(method, path, status, message, detail, validations, retryAfter);
  const contentType = String(headers["content-type"] ?? "");
  if (status >= 300 && status < 400) {
    return fail(`Coder answered with a redirect to ${headerValue(headers.location) || "(no location)"}`);
  }
  if (!contentType.includes("json")) {
    return fail(
      `unexpected non-JSON response "${contentType || "none"}"`,
      text.trim() ? summarizeText(text) : "no response body",
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const salvaged = cut ? salvage(text) : undefined;
    if (salvaged) return fail(salvaged.message, salvaged.detail);
    return text.trim() ? fail("invalid JSON in the error response", summarizeText(text)) : fail("empty response body");
  }
  const body = ErrorBodySchema.safeParse(json);
  if (!body.success || !body.data.message) {
    return fail(`unexpected status code ${status}, response has no message`, summarizeText(text));
  }
  return fail(body.data.message, body.data.detail || undefined, body.data.validations ?? []);
}

/**
 * Coder's message and the start of its detail, from an error body cut short at the read cap: a huge detail or list
 * of field errors must not cost the message. codersdk.Response writes `message` first.
 */
function salvage(text: string): { message: string; detail: string } | undefined {
  const message = stringField(text, "message");
  if (message === undefined) return undefined;
  const detail = stringField(text, "detail");
  const note = `(Coder's error body is over ${REJECTED_BODY_CAP / 1024} KiB: only its start was read)`;
  return { message, detail: detail ? `${note} ${detail}` : note };
}

/** A string field's value, or its start when the body was cut inside it. */
function stringField(text: string, key: string): string | undefined {
  const match = new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)(")?`).exec(text);
  if (!match) return undefined;
  // A value cut inside an escape sequence loses that partial escape.
  const raw = match[2] ? (match[1] ?? "") : (match[1] ?? "").replace(/\\(u[0-9a-fA-F]{0,3})?$/, "");
  try {
    const value = JSON.parse(`"${raw}"`) as string;
    return match[2] ? value : `${value}...`;
  } catch {
    return undefined;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A proxy's HTML page becomes its visible text, cut short; its <title> is left out, as pages repeat it. */
export function summarizeText(text: string): string {
  const plain = text
    .replace(/<(script|style|title)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return plain.length > ERROR_TEXT_LIMIT ? `${plain.slice(0, ERROR_TEXT_LIMIT)}...` : plain;
}
