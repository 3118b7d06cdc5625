// When a failed read may be tried again, and after how long. Writes are never retried: once a write may have
// reached Coder, only the caller can tell whether repeating it is right.
import { CoderApiError, CoderContractError, CoderUnreachableError } from "./errors.js";

export const MAX_ATTEMPTS = 3;
const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 2000;
/** Retry-After is honoured up to this; a longer wait is left to the caller. */
export const MAX_RETRY_AFTER_MS = 10_000;

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** Milliseconds to wait before attempt `attempt + 1`, or undefined when the failure is not worth another try. */
export function retryDelay(err: unknown, attempt: number, random = Math.random): number | undefined {
  if (attempt >= MAX_ATTEMPTS) return undefined;
  const transient =
    err instanceof CoderUnreachableError ||
    (err instanceof CoderApiError && RETRYABLE_STATUS.has(err.status)) ||
    // A 2xx body that is not JSON at all is most likely cut short on the way.
    (err instanceof CoderContractError && err.truncated);
  if (!transient) return undefined;
  if (err instanceof CoderApiError && err.retryAfterMs !== undefined) {
    return err.retryAfterMs <= MAX_RETRY_AFTER_MS ? err.retryAfterMs : undefined;
  }
  // Exponential back-off with full jitter, so that many clients do not retry in step.
  return Math.round(random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt));
}

/** Retry-After as seconds or an HTTP date (RFC 9110), in milliseconds from `now`. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}
