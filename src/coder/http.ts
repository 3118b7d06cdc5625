// The one request core: every call to Coder goes through request(). It alone sets the token header, puts each path
// (built by apiPath) under the deployment's prefix, checks the documented success status, drains every body and
// parses JSON with zod.
import { setTimeout as sleep } from "node:timers/promises";
import type { Pool } from "undici";
import type { z } from "zod";
import {
  CoderBodyTooLargeError,
  DEFAULT_MAX_BODY_BYTES,
  limitedChunks,
  parseSuccess,
  readCapped,
  readLimited,
  readStream,
} from "./body.js";
import { apiError, summarizeText } from "./error-body.js";
import {
  CoderApiError,
  CoderContractError,
  CoderRequestError,
  CoderTimeoutError,
  CoderUnreachableError,
  describeFailure,
} from "./errors.js";
import { MAX_ATTEMPTS, retryDelay } from "./retry.js";

export interface HttpOptions {
  /** The deployment: origin plus an optional path prefix, without a trailing slash. */
  baseUrl: URL;
  token: string;
  timeoutMs: number;
  userAgent: string;
  /** Keep-alive connections to Coder at most. */
  connections?: number;
  /** Bytes of one response body at most (DEFAULT_MAX_BODY_BYTES when absent). */
  maxBodyBytes?: number;
  /** Where to report what a user may want to know (slow answers); never given the token. */
  log?: (level: LogLevel, message: string) => void;
}

export type LogLevel = "debug" | "info" | "notice" | "warning" | "error";

/** An answer slower than this is reported. */
const SLOW_MS = 5000;

export interface RequestSpec<T> {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** The path after the deployment's prefix, built with apiPath, e.g. apiPath`/api/v2/tasks/${owner}/${task}`. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** The one success status Coder documents for this endpoint. */
  expect: number;
  /** Schema of the success body; absent when Coder answers with no body (202/204). */
  schema?: z.ZodType<T>;
  /** Reads the success body as it arrives, instead of `schema`; called afresh on every attempt. */
  stream?: (chunks: AsyncIterable<Buffer>) => Promise<T>;
  /** This many times the body limit, for a `stream` whose memory does not grow with the body. */
  limitFactor?: number;
  signal?: AbortSignal;
}

/** Error codes of sockets, DNS, TLS and undici's connection layer. */
const NETWORK_CODE =
  /^(E[A-Z]+|UND_ERR_(SOCKET|CONNECT_TIMEOUT|HEADERS_TIMEOUT|BODY_TIMEOUT|CLOSED|DESTROYED|RES_CONTENT_LENGTH_MISMATCH)|ERR_TLS_[A-Z_]+|[A-Z_]*CERT[A-Z_]*)$/;

export class HttpCore {
  readonly origin: string;
  private readonly prefix: string;
  /** Callers' signals (one per tool call) under which a write may have reached Coder. */
  private readonly writesSent = new WeakSet<AbortSignal>();
  /** Created on the first request: loading undici costs start-up time that `initialize` should not wait for. */
  private pool?: Promise<Pool>;
  /** Once closed, a request that fails is not tried again: its retry would only wait for nothing. */
  private closed = false;

  constructor(private readonly options: HttpOptions) {
    this.origin = options.baseUrl.origin;
    this.prefix = options.baseUrl.pathname.replace(/\/+$/, "");
  }

  /** One call to Coder. A GET is tried again on transient failures; the time-out bounds all tries together. */
  async request<T>(spec: RequestSpec<T>): Promise<T> {
    const path = this.prefix + spec.path;
    const call = new CallSignal(this.options.timeoutMs, spec.signal);
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await this.attempt(spec, path, call.signal);
          if (spec.method !== "GET" && spec.signal) this.writesSent.add(spec.signal);
          return result;
        } catch (raw) {
          const err = this.noteSent(this.transportError(raw, call, spec.signal), spec);
          const delay = spec.method === "GET" ? retryDelay(err, attempt) : undefined;
          // A retry that could not finish before the time-out would only hide this failure behind a time-out.
          const late = performance.now() + (delay ?? 0) >= call.deadlineAt;
          if (delay === undefined || this.closed || call.signal.aborted || late) throw err;
          this.options.log?.(
            "warning",
            `${spec.method} ${path} failed (${describeFailure(err)}); trying again in ${delay} ms (attempt ${attempt + 1} of ${MAX_ATTEMPTS}).`,
          );
          try {
            await sleep(delay, undefined, { signal: call.signal });
          } catch {
            throw this.noteSent(this.transportError(err, call, spec.signal), spec);
          }
        }
      }
    } finally {
      call.dispose();
    }
  }

  private async attempt<T>(spec: RequestSpec<T>, path: string, signal: AbortSignal): Promise<T> {
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
    const started = performance.now();
    const pool = await this.connect();
    const res = await pool.request({ method: spec.method, path: path + search, headers, body, signal });
    this.reportSlow(performance.now() - started, spec.method, path);
    const contentType = String(res.headers["content-type"] ?? "");
    if (res.statusCode === spec.expect && !spec.schema && !spec.stream) {
      // Discarded as it arrives; a long one is cut off with its socket (undici's dump limit).
      await res.body.dump();
      return undefined as T;
    }
    if (res.statusCode === spec.expect && (contentType === "" || /json/i.test(contentType))) {
      const limit = (this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES) * (spec.limitFactor ?? 1);
      const chunks = limitedChunks(
        res.body,
        res.headers,
        limit,
        () => new CoderBodyTooLargeError(spec.method, path, limit),
      );
      if (spec.stream) return readStream(spec, path, chunks);
      return parseSuccess(spec, path, await readLimited(chunks), contentType);
    }
    // Rejected whatever it says: only as much is read as a message needs.
    const { text, cut } = await readCapped(res.body);
    if (res.statusCode === spec.expect) {
      throw new CoderContractError(
        spec.method,
        path,
        `the body is not JSON (content-type "${contentType}": ${summarizeText(text).slice(0, 200)})`,
      );
    }
    if (res.statusCode >= 200 && res.statusCode < 300) {
      throw new CoderContractError(spec.method, path, `expected status ${spec.expect}, got ${res.statusCode}`);
    }
    throw apiError(spec.method, path, res.statusCode, res.headers, text, cut);
  }

  private reportSlow(elapsedMs: number, method: string, path: string): void {
    if (elapsedMs > SLOW_MS) {
      this.options.log?.("warning", `Coder took ${(elapsedMs / 1000).toFixed(1)} s to answer ${method} ${path}`);
    }
  }

  private connect(): Promise<Pool> {
    this.pool ??= import("undici").then((mod) => {
      // Bundled, undici (CommonJS) comes as a default export; from node_modules, with named ones.
      const Pool = mod.Pool ?? mod.default.Pool;
      return new Pool(this.origin, { connections: this.options.connections ?? 16, keepAliveTimeout: 30_000 });
    });
    return this.pool;
  }

  async close(): Promise<void> {
    this.closed = true;
    await (await this.pool)?.destroy();
  }

  /** Sets the `sent` fact (see SentFact) on a failure, and remembers a write that may have arrived. */
  private noteSent(err: unknown, spec: RequestSpec<unknown>): unknown {
    // A refused connection sent nothing; a 4xx answer means Coder refused the request and changed nothing.
    const arrived =
      !(err instanceof CoderUnreachableError && err.neverConnected) &&
      !(err instanceof CoderApiError && err.status >= 400 && err.status < 500);
    if (spec.method !== "GET" && arrived && spec.signal) this.writesSent.add(spec.signal);
    const sent = (spec.method !== "GET" && arrived) || (spec.signal !== undefined && this.writesSent.has(spec.signal));
    if (err instanceof CoderRequestError) err.sent = sent;
    return err;
  }

  /** A network failure becomes CoderUnreachableError; anything else passes as it is (a bug is not the network). */
  private transportError(err: unknown, call: CallSignal, callerSignal?: AbortSignal): unknown {
    if (callerSignal?.aborted) return callerSignal.reason ?? err;
    if (call.timedOut) return new CoderTimeoutError(this.origin, this.options.timeoutMs);
    const code = (err as { code?: unknown }).code;
    return typeof code === "string" && NETWORK_CODE.test(code) ? new CoderUnreachableError(this.origin, code) : err;
  }
}

/**
 * Aborts a call when its caller cancels or its time-out passes, and lets go of both when the call ends. Cheaper than
 * AbortSignal.any() with AbortSignal.timeout(), whose timer keeps every call's signals alive for the whole time-out.
 */
class CallSignal {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  readonly deadlineAt: number;
  timedOut = false;

  constructor(
    timeoutMs: number,
    private readonly caller?: AbortSignal,
  ) {
    this.deadlineAt = performance.now() + timeoutMs;
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error("time-out"));
    }, timeoutMs);
    this.timer.unref();
    if (caller?.aborted) this.controller.abort(caller.reason);
    caller?.addEventListener("abort", this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private readonly onCallerAbort = () => this.controller.abort(this.caller?.reason);

  dispose(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener("abort", this.onCallerAbort);
  }
}
