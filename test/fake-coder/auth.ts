// apiKeyMiddleware: where the session token is read from, and the 401s when it is missing or wrong.
import type { IncomingHttpHeaders } from "node:http";
import { fail, type Reply } from "./http.js";

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

/** Undefined when the request carries `validToken`; else the 401 Coder answers. */
export function checkAuth(headers: IncomingHttpHeaders, query: URLSearchParams, validToken: string): Reply | undefined {
  const token = tokenFromRequest(headers, query);
  if (token === validToken) return undefined;
  if (token === "") return fail(401, SIGNED_OUT, 'Cookie "coder_session_token" or query parameter must be provided.');
  const problem = formatProblem(token);
  if (problem) return fail(401, SIGNED_OUT, `Invalid API key format: ${problem}`);
  // The key ID (before the dash) finds the key; the secret is then compared with its hash.
  const sameId = token.split("-")[0] === validToken.split("-")[0];
  return fail(401, SIGNED_OUT, sameId ? "API key secret is invalid." : "API key is invalid.");
}
