// Reading Coder's response bodies within a byte limit. A body is never read whole before its size is known to be
// acceptable: one past the limit is cut off (the socket dropped), and one that will be rejected anyway is read only
// as far as an error message needs.
import type { Dispatcher } from "undici";
import type { z } from "zod";
import { CoderContractError } from "./errors.js";
import type { RequestSpec } from "./http.js";

/** The environment variable that sets the limit, named in the error so that a user knows what to raise. */
export const MAX_BODY_VARIABLE = "CODER_TASKS_MCP_MAX_BODY_MB";
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
/** Bytes of an error or rejected body kept for its message; the rest is never read. */
export const REJECTED_BODY_CAP = 64 * 1024;

type Body = Dispatcher.ResponseData["body"];

/** A body over the limit. Not `truncated`: it is a size, not a transfer, failure, and trying again cannot help. */
export class CoderBodyTooLargeError extends CoderContractError {
  constructor(method: string, path: string, limit: number) {
    super(
      method,
      path,
      `the body is larger than ${formatMiB(limit)} (raise ${MAX_BODY_VARIABLE} if the deployment's answers really are this large)`,
    );
  }
}

/** A streamed body that is not what the contract documents; `notJson` when it is not JSON at all (cut short). */
export class BodyFormatError extends Error {
  constructor(
    message: string,
    readonly notJson: boolean,
  ) {
    super(message);
  }
}

function formatMiB(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
}

/**
 * The body's chunks, failing past `limit` bytes. A declared Content-Length over the limit fails before any byte is
 * read. On failure (and whenever the consumer stops early) the rest of the body is dropped with its socket.
 */
export async function* limitedChunks(
  body: Body,
  headers: Record<string, string | string[] | undefined>,
  limit: number,
  tooLarge: () => Error,
): AsyncGenerator<Buffer> {
  const declared = Number(headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    body.destroy();
    throw tooLarge();
  }
  let seen = 0;
  let finished = false;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      seen += chunk.length;
      if (seen > limit) throw tooLarge();
      yield chunk;
    }
    finished = true;
  } finally {
    if (!finished) body.destroy();
  }
}

/** The whole body as text, within the limit. */
export async function readLimited(chunks: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts).toString("utf8");
}

/** At most `cap` bytes of a body that will be rejected, as text; the rest is dropped unread. */
export async function readCapped(body: Body, cap = REJECTED_BODY_CAP): Promise<{ text: string; cut: boolean }> {
  const parts: Buffer[] = [];
  let seen = 0;
  let cut = false;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      const room = cap - seen;
      if (chunk.length > room) {
        parts.push(chunk.subarray(0, room));
        cut = true;
        break;
      }
      parts.push(chunk);
      seen += chunk.length;
    }
  } finally {
    if (cut) body.destroy();
  }
  // A multi-byte character cut at the end decodes as U+FFFD: harmless in a message.
  return { text: Buffer.concat(parts).toString("utf8"), cut };
}

/** A success body read by the request's own stream reader; its format errors become contract errors. */
export async function readStream<T>(spec: RequestSpec<T>, path: string, chunks: AsyncIterable<Buffer>): Promise<T> {
  try {
    return await (spec.stream as NonNullable<RequestSpec<T>["stream"]>)(chunks);
  } catch (err) {
    if (!(err instanceof BodyFormatError)) throw err;
    const problem = err.notJson
      ? `the body is not JSON (${err.message})`
      : `the body does not match the Coder API: ${err.message}`;
    throw new CoderContractError(spec.method, path, problem, err.notJson);
  }
}

/** A success body read whole: JSON, then the request's schema. */
export function parseSuccess<T>(spec: RequestSpec<T>, path: string, text: string, contentType: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CoderContractError(
      spec.method,
      path,
      `the body is not JSON (content-type "${contentType || "none"}", ${text.length} bytes)`,
      true,
    );
  }
  const parsed = (spec.schema as z.ZodType<T>).safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`)
      .join("; ");
    throw new CoderContractError(spec.method, path, `the body does not match the Coder API: ${issues}`);
  }
  return parsed.data;
}
