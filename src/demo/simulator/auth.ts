// apiKeyMiddleware: where the session token is read from, who it belongs to, and the 401s when it is missing or
// wrong.
import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { fail, type Reply } from "./http.js";
import type { UserRecord } from "./model.js";

const SIGNED_OUT = "You are signed out or your session has expired. Please sign in again to continue.";

/** httpmw.APITokenFromRequest, in its order: cookie, query, Coder-Session-Token, Bearer, ?access_token=. */
function tokenFromRequest(headers: IncomingHttpHeaders, query: URLSearchParams): string {
  const cookie = (headers.cookie ?? "")
    .split(";")
    .map((c) => c.trim())
    .find((c) => c.startsWith("coder_session_token="));
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? "")?.[1];
  const header = headers["coder-session-token"];
  const candidates = [
    cookie?.slice("coder_session_token=".length),
    query.get("coder_session_token"),
    typeof header === "string" ? header : undefined,
    bearer,
    query.get("access_token"),
  ];
  return candidates.find((c): c is string => typeof c === "string" && c !== "") ?? "";
}

/** httpmw.SplitAPIToken: `<10-char id>-<22-char secret>`; the reason when malformed. */
function formatProblem(token: string): string | undefined {
  const parts = token.split("-");
  if (parts.length !== 2) return `incorrect amount of API key parts, expected 2 got ${parts.length}`;
  const [id = "", secret = ""] = parts;
  if (id.length !== 10) return `invalid API key ID length, expected 10 got ${id.length}`;
  if (secret.length !== 22) return `invalid API key secret length, expected 22 got ${secret.length}`;
  return undefined;
}

/** Session tokens and the users they sign in as. */
export type Sessions = ReadonlyMap<string, UserRecord>;

/** The user whose session token the request carries; else the 401 Coder answers. */
export function authenticate(
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
  sessions: Sessions,
): { user: UserRecord } | { denied: Reply } {
  const token = tokenFromRequest(headers, query);
  const user = sessions.get(token);
  if (user) return { user };
  const denied = (detail: string) => ({ denied: fail(401, SIGNED_OUT, detail) });
  if (token === "") return denied('Cookie "coder_session_token" or query parameter must be provided.');
  const problem = formatProblem(token);
  if (problem) return denied(`Invalid API key format: ${problem}`);
  // The key ID (before the dash) finds the key; the secret is then compared with its hash.
  const id = token.split("-")[0];
  const known = [...sessions.keys()].some((valid) => valid.split("-")[0] === id);
  return denied(known ? "API key secret is invalid." : "API key is invalid.");
}

const ALPHANUMERIC = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** A new session token in Coder's format: `<10-char id>-<22-char secret>`, random letters and digits. */
export function newToken(): string {
  const random = (length: number) => Array.from(randomBytes(length), (b) => ALPHANUMERIC[b % 62]).join("");
  return `${random(10)}-${random(22)}`;
}
