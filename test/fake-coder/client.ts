// A bare HTTP client for the fake's own tests (test/fake-coder*.test.ts): raw status, headers, text and JSON.
import { setTimeout as sleep } from "node:timers/promises";
import type { FakeCoder } from "./index.js";

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON.
  body: any;
}

/** One request with the fake's token (unless `token` says otherwise); a string body is sent as is. */
export async function call(
  fake: FakeCoder,
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string>; token?: string | null } = {},
): Promise<Answer> {
  const token = opts.token === undefined ? fake.token : opts.token;
  const res = await fetch(fake.url + path, {
    method,
    headers: { ...(token === null ? {} : { "Coder-Session-Token": token }), ...opts.headers },
    body: opts.body === undefined || typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/**
 * GETs `path` every few milliseconds until `done` accepts the body, for at most `timeoutMs`; returns every
 * distinct body seen (by `key`), in order, so a test can check the way there as well as the end.
 */
export async function pollUntil<T>(
  fake: FakeCoder,
  path: string,
  key: (body: T) => string,
  done: (body: T) => boolean,
  timeoutMs = 60_000,
): Promise<T[]> {
  const seen: T[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = (await call(fake, "GET", path)).body as T;
    const last = seen.at(-1);
    if (last === undefined || key(last) !== key(body)) seen.push(body);
    if (done(body)) return seen;
    if (Date.now() > deadline)
      throw new Error(`${path} not done after ${timeoutMs} ms; saw ${seen.map(key).join(" -> ")}`);
    await sleep(3);
  }
}
