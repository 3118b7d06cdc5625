// A bare HTTP client for the fake's own tests (test/fake-coder*.test.ts): raw status, headers, text and JSON.
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
