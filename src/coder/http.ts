// The one request core: every call to Coder goes through request(). It alone sets the token header, builds paths
// from encoded segments, checks the documented success status, drains every body and parses JSON with zod.
import { Pool } from "undici";
import type { z } from "zod";
import {
  CoderApiError,
  CoderContractError,
  CoderTimeoutError,
  CoderUnreachableError,
  InvalidInputError,
} from "./errors.js";
import { ErrorBodySchema } from "./schemas.js";

export interface HttpOptions {
  /** The deployment: origin plus an optional path prefix, without a trailing slash. */
  baseUrl: URL;
  token: string;
  timeoutMs: number;
  userAgent: string;
  /** Keep-alive connections to Coder at most. */
  connections?: number;
}

export interface RequestSpec<T> {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Path segments after the deployment's prefix, e.g. ["api", "v2", "tasks", owner, task]. */
  segments: string[];
  query?: Record<string, string>;
  body?: unknown;
  /** The one success status Coder documents for this endpoint. */
  expect: number;
  /** Schema of the success body; absent when Coder answers with no body (202/204). */
  schema?: z.ZodType<T>;
  signal?: AbortSignal;
}

const ERROR_TEXT_LIMIT = 2048;

/** Encodes one path segment. `.`/`..` would be collapsed by URL parsing (even as %2E), so they are refused. */
export function encodeSegment(segment: string): string {
  if (segment === "" || segment === "." || segment === ".." || /^(%2e|\.){1,2}$/i.test(segment)) {
    throw new InvalidInputError(`"${segment}" cannot be used as a path segment`);
  }
  return encodeURIComponent(segment);
}

export class HttpCore {
  readonly origin: string;
  private readonly prefix: string;
  private readonly pool: Pool;

  constructor(private readonly options: HttpOptions) {
    this.origin = options.baseUrl.origin;
    this.prefix = options.baseUrl.pathname.replace(/\/+$/, "");
    this.pool = new Pool(this.origin, {
      connections: options.connections ?? 16,
      keepAliveTimeout: 30_000,
    });
  }

  async request<T>(spec: RequestSpec<T>): Promise<T> {
    const path = `${this.prefix}/${spec.segments.map(encodeSegment).join("/")}`;
    const search = spec.query ? `?${new URLSearchParams(spec.query).toString()}` : "";
    const headers: Record<string, string> = {
      accept: "application/json",
      "user-agent": this.options.userAgent,
      // The token goes to this pool's origin only; undici's request() never follows redirects.
      "coder-session-token": this.options.token,
    };
    let body: string | undefined;
    if (spec.body !== undefined) {
      body = JSON.stringify(spec.body);
      headers["content-type"] = "application/json";
    }
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;

    let res: Awaited<ReturnType<Pool["request"]>>;
    let text: string | undefined;
    try {
      res = await this.pool.request({ method: spec.method, path: path + search, headers, body, signal });
      if (res.statusCode === spec.expect && !spec.schema) {
        await res.body.dump();
        return undefined as T;
      }
      text = await res.body.text();
    } catch (err) {
      throw this.transportError(err, timeout, spec.signal);
    }

    if (res.statusCode === spec.expect) {
      return parseSuccess(spec, path, text, String(res.headers["content-type"] ?? ""));
    }
    if (res.statusCode >= 200 && res.statusCode < 300) {
      throw new CoderContractError(spec.method, path, `expected status ${spec.expect}, got ${res.statusCode}`);
    }
    throw apiError(spec.method, path, res.statusCode, res.headers, text);
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }

  private transportError(err: unknown, timeout: AbortSignal, callerSignal?: AbortSignal): unknown {
    if (callerSignal?.aborted) return callerSignal.reason ?? err;
    if (timeout.aborted) return new CoderTimeoutError(this.origin, this.options.timeoutMs);
    const code = (err as { code?: string }).code ?? (err as Error).name ?? "network error";
    return new CoderUnreachableError(this.origin, code);
  }
}

function parseSuccess<T>(spec: RequestSpec<T>, path: string, text: string, contentType: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CoderContractError(
      spec.method,
      path,
      `the body is not JSON (content-type "${contentType || "none"}", ${text.length} bytes)`,
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

type Headers = Record<string, string | string[] | undefined>;

/** Turns a non-2xx answer into CoderApiError, the way codersdk's ReadBodyAsError does. */
function apiError(method: string, path: string, status: number, headers: Headers, text: string): CoderApiError {
  const contentType = String(headers["content-type"] ?? "");
  if (status >= 300 && status < 400) {
    const location = String(headers.location ?? "");
    return new CoderApiError(
      method,
      path,
      status,
      `Coder answered with a redirect to ${location || "(no location)"}`,
      undefined,
      [],
    );
  }
  if (!contentType.includes("json")) {
    const detail = text.trim() ? summarizeText(text) : "no response body";
    return new CoderApiError(
      method,
      path,
      status,
      `unexpected non-JSON response "${contentType || "none"}"`,
      detail,
      [],
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const message = text.trim() ? "invalid JSON in the error response" : "empty response body";
    return new CoderApiError(method, path, status, message, text.trim() ? summarizeText(text) : undefined, []);
  }
  const body = ErrorBodySchema.safeParse(json);
  if (!body.success || !body.data.message) {
    return new CoderApiError(
      method,
      path,
      status,
      `unexpected status code ${status}, response has no message`,
      summarizeText(text),
      [],
    );
  }
  return new CoderApiError(
    method,
    path,
    status,
    body.data.message,
    body.data.detail || undefined,
    body.data.validations ?? [],
  );
}

/** A proxy's HTML page becomes its visible text, cut short. */
function summarizeText(text: string): string {
  const plain = text
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return plain.length > ERROR_TEXT_LIMIT ? `${plain.slice(0, ERROR_TEXT_LIMIT)}...` : plain;
}
