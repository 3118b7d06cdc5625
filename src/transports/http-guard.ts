// What every HTTP request passes before it reaches MCP: DNS-rebinding protection (Host and Origin), the bearer
// token, and a bounded JSON body. Pure functions over headers and streams: no sessions, no MCP.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { unbracket } from "../loopback.js";

export { isLoopbackHost } from "../loopback.js";

/** 0.0.0.0 and ::, which accept connections on every interface. */
export function isWildcardHost(host: string): boolean {
  const h = unbracket(host);
  if (isIP(h) === 4) return h === "0.0.0.0";
  if (isIP(h) === 6) return new URL(`http://[${h}]`).hostname === "[::]";
  return false;
}

/** The host as it appears in a URL or a Host header: IPv6 in brackets. */
export function urlHost(host: string): string {
  const h = unbracket(host);
  return isIP(h) === 6 ? `[${new URL(`http://[${h}]`).hostname.slice(1, -1)}]` : h.toLowerCase();
}

/**
 * The Host header values a request may carry, lowercase: the bound address and localhost, with the port (and
 * without it on port 80, as browsers send it). Undefined for a wildcard bind: the server does not know the names it
 * is reached by, so any Host is taken and the bearer token, required off loopback, is the protection.
 */
export function allowedHostHeaders(host: string, port: number, extra: string[] = []): Set<string> | undefined {
  // Behind a balancer the Host is the balancer's name: the operator lists it (--allowed-hosts), exactly as sent.
  const listed = extra.map((h) => h.trim().toLowerCase()).filter(Boolean);
  if (isWildcardHost(host)) return listed.length > 0 ? new Set(listed) : undefined;
  const names = new Set([urlHost(host), "localhost"]);
  // localhost may resolve to either loopback address; a client that used the name may send either.
  if (host.toLowerCase() === "localhost") for (const n of ["127.0.0.1", "[::1]"]) names.add(n);
  const values = new Set<string>();
  for (const name of names) {
    values.add(`${name}:${port}`);
    if (port === 80) values.add(name);
  }
  for (const h of listed) values.add(h);
  return values;
}

/**
 * Why the request is refused by DNS-rebinding protection, or undefined when it passes. A browser page on another
 * site that resolves its name to this address sends that name as Host and its own Origin; neither is accepted.
 * Header values are never echoed.
 */
export function rebindingProblem(
  headers: IncomingHttpHeaders,
  allowedHosts: Set<string> | undefined,
  allowedOrigins: ReadonlySet<string> = new Set(),
): string | undefined {
  const host = headers.host?.toLowerCase();
  if (!host) return "Forbidden: the request has no Host header.";
  if (allowedHosts && !allowedHosts.has(host)) {
    return "Forbidden: Host header not allowed (DNS-rebinding protection); use the address the server printed.";
  }
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  let originHost: string;
  try {
    const url = new URL(origin);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("scheme");
    originHost = url.host.toLowerCase();
    // A web client served from another origin the operator named (--allowed-origins).
    if (allowedOrigins.has(url.origin.toLowerCase())) return undefined;
  } catch {
    return "Forbidden: Origin header not allowed (DNS-rebinding protection).";
  }
  // Without a list (wildcard bind), a browser's request must at least be same-origin.
  const ok = allowedHosts ? allowedHosts.has(originHost) : originHost === host.replace(/:80$/, "");
  return ok ? undefined : "Forbidden: Origin header not allowed (DNS-rebinding protection).";
}

/** Origins as --allowed-origins gives them, normalized as an Origin header is compared, or the first value that is not an http(s) origin. */
export function parseOrigins(values: string[]): Set<string> | string {
  const origins = new Set<string>();
  for (const value of values) {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {}
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.origin === "null") return value;
    origins.add(url.origin.toLowerCase());
  }
  return origins;
}

/** Whether two secrets are equal, in time that depends on neither: digests have equal lengths. */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** Whether `secret` is the one whose digest() is `expected`, in constant time. */
export function matchesDigest(expected: Buffer, secret: string): boolean {
  return timingSafeEqual(expected, digest(secret));
}

export function digest(secret: string): Buffer {
  return createHash("sha256").update(secret, "utf8").digest();
}

/** `Authorization: Bearer <token>` (scheme case-insensitive, per RFC 6750) carrying exactly `token`. */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(authorization ?? "");
  // Compare even when absent, so that the answer takes the same time.
  return sameSecret(match?.[1] ?? "", token) && match !== null;
}

export type BodyResult = { ok: true; body: unknown } | { ok: false; status: number; code: number; message: string };

export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Reads a JSON-RPC POST body: `application/json`, at most `maxBytes`, parsed; a 4xx answer otherwise. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const type = req.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    return {
      ok: false,
      status: 415,
      code: -32000,
      message: "Unsupported Media Type: Content-Type must be application/json.",
    };
  }
  const tooLarge = {
    ok: false,
    status: 413,
    code: -32000,
    message: `Payload Too Large: the body exceeds ${maxBytes} bytes.`,
  } as const;
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge;
  let text: string | undefined;
  try {
    text = await readAtMost(req, maxBytes);
  } catch {
    return { ok: false, status: 400, code: -32000, message: "Bad Request: the body could not be read." };
  }
  if (text === undefined) return tooLarge;
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch {
    return { ok: false, status: 400, code: -32700, message: "Parse error: the body is not valid JSON." };
  }
}

/**
 * The body as text, or undefined once it exceeds `maxBytes`: reading then stops with the stream paused rather than
 * destroyed, since destroying a request destroys its socket and the 413 would never reach the client.
 */
function readAtMost(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off("data", onData).off("end", onEnd).off("error", reject);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      done();
      req.pause();
      resolve(undefined);
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(chunks).toString("utf8"));
    };
    req.on("data", onData).on("end", onEnd).on("error", reject);
  });
}
