// Small helpers over Node's request and response shared by the HTTP files: error answers and header reads.
import type { IncomingMessage, ServerResponse } from "node:http";

/** A JSON-RPC-shaped error, as the SDK's transport answers. Closes the connection if the body was left unread. */
export function reply(req: IncomingMessage, res: ServerResponse, status: number, code: number, message: string): void {
  const hasBody = (req.headers["content-length"] ?? "0") !== "0" || req.headers["transfer-encoding"] !== undefined;
  // Node would read an unread body to its end to keep the connection: closing it is what bounds the read.
  if (hasBody && !req.complete) res.setHeader("Connection", "close");
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || undefined;
}

/** The path of the request, without its query; undefined when the target does not parse. */
export function pathOf(req: IncomingMessage): string | undefined {
  const url = req.url ?? "";
  // The common case needs no URL object.
  if (url.startsWith("/") && !url.includes("?") && !url.includes("%") && !url.includes("/.")) return url;
  try {
    return new URL(url, "http://localhost").pathname;
  } catch {
    return undefined;
  }
}
