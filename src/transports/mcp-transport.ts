// The Streamable HTTP transport of one MCP server, on Node's own request and response objects: no conversion to a
// web Request and stream per call. A POST that carries requests is answered with JSON when nothing but the answers
// is sent, and turns into an SSE stream as soon as a notification (progress, log) must go first. When the client's
// connection for a request closes, that request is cancelled as if the client had sent notifications/cancelled.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import { type JSONRPCMessage, type RequestId, SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import { reply } from "./http-reply.js";

const SSE_HEADERS = {
  "Content-Type": "text/event-stream",
  "Cache-Control": "no-cache, no-transform",
  Connection: "keep-alive",
  // nginx would otherwise hold events back until its buffer fills.
  "X-Accel-Buffering": "no",
};
const MAX_BATCH = 100;

/** The answer to one POST: the requests it carried that still await their response. */
interface Exchange {
  res: ServerResponse;
  waiting: number;
  answers: JSONRPCMessage[];
  sse: boolean;
  done: boolean;
}

export class McpHttpTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport["onmessage"];
  /** Set once an initialize request has been accepted (at once in stateless mode, which has no initialize). */
  initialized: boolean;
  private readonly exchanges = new Map<RequestId, Exchange>();
  private readonly sse = new Set<ServerResponse>();
  private standalone?: ServerResponse;
  private closed = false;

  /** `sessionId` undefined: stateless, every request stands alone and nothing is sent outside an answer. */
  constructor(readonly sessionId?: string) {
    this.initialized = sessionId === undefined;
  }

  async start(): Promise<void> {}

  /** Serves one request whose body, for POST, is already parsed; settles when its answer is complete. */
  handle(req: IncomingMessage, res: ServerResponse, body?: unknown): Promise<void> {
    const finished = new Promise<void>((resolve) => res.once("close", resolve));
    if (this.closed) reply(req, res, 404, -32001, "Session not found: initialize a new session.");
    else if (req.method === "POST") this.post(req, res, body);
    else if (req.method === "GET") this.get(req, res);
    else if (req.method === "DELETE") this.delete(req, res);
    return finished;
  }

  private post(req: IncomingMessage, res: ServerResponse, body: unknown) {
    const checked = checkPost(req, body);
    if (!Array.isArray(checked)) return reply(req, res, checked.status, checked.code, checked.message);
    const initialize = checked.some((m) => "method" in m && m.method === "initialize");
    if (initialize) {
      if (this.initialized && this.sessionId !== undefined) {
        return reply(req, res, 400, -32600, "Invalid Request: Server already initialized");
      }
      if (checked.length > 1)
        return reply(req, res, 400, -32600, "Invalid Request: Only one initialization request is allowed");
      this.initialized = true;
    } else {
      if (!this.initialized) return reply(req, res, 400, -32000, "Bad Request: Server not initialized");
      const problem = versionProblem(req);
      if (problem) return reply(req, res, 400, -32000, problem);
    }
    const extra = { requestInfo: { headers: req.headers } };
    const requests = checked.filter((m) => "method" in m && "id" in m) as Array<JSONRPCMessage & { id: RequestId }>;
    if (requests.length === 0) {
      res.writeHead(202).end();
      for (const m of checked) this.onmessage?.(m, extra);
      return;
    }
    const exchange: Exchange = { res, waiting: requests.length, answers: [], sse: false, done: false };
    for (const m of requests) this.exchanges.set(m.id, exchange);
    res.once("close", () => {
      if (exchange.done) return;
      exchange.done = true;
      this.sse.delete(res);
      // The client is gone: stop what it asked for, as notifications/cancelled would.
      for (const m of requests) {
        if (this.exchanges.get(m.id) !== exchange) continue;
        this.exchanges.delete(m.id);
        this.onmessage?.({
          jsonrpc: "2.0",
          method: "notifications/cancelled",
          params: { requestId: m.id, reason: "The client's connection closed." },
        });
      }
    });
    for (const m of checked) this.onmessage?.(m, extra);
  }

  private get(req: IncomingMessage, res: ServerResponse) {
    if (this.sessionId === undefined) {
      res.setHeader("Allow", "POST");
      return reply(req, res, 405, -32000, "Method Not Allowed: stateless mode has no stream; POST each request.");
    }
    if (!req.headers.accept?.includes("text/event-stream")) {
      return reply(req, res, 406, -32000, "Not Acceptable: Client must accept text/event-stream");
    }
    const problem = versionProblem(req);
    if (problem) return reply(req, res, 400, -32000, problem);
    if (this.standalone) return reply(req, res, 409, -32000, "Conflict: Only one SSE stream is allowed per session");
    this.standalone = res;
    this.openSse(res);
    res.once("close", () => {
      if (this.standalone === res) this.standalone = undefined;
    });
  }

  private delete(req: IncomingMessage, res: ServerResponse) {
    if (this.sessionId === undefined) {
      res.setHeader("Allow", "POST");
      return reply(req, res, 405, -32000, "Method Not Allowed: stateless mode has no session to end.");
    }
    const problem = versionProblem(req);
    if (problem) return reply(req, res, 400, -32000, problem);
    res.writeHead(200).end();
    void this.close();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const answer = "result" in message || "error" in message;
    const id = answer ? (message as { id?: RequestId }).id : options?.relatedRequestId;
    if (id === undefined) {
      if (answer) throw new Error("Cannot send a response outside the request it answers");
      if (this.standalone) writeEvent(this.standalone, message);
      return;
    }
    const exchange = this.exchanges.get(id);
    // Its client is gone (the request was cancelled) or the session closed: nobody to tell.
    if (!exchange || exchange.done) return;
    if (!answer) {
      if (!exchange.sse) this.toSse(exchange);
      writeEvent(exchange.res, message);
      return;
    }
    this.exchanges.delete(id);
    exchange.waiting -= 1;
    if (exchange.sse) writeEvent(exchange.res, message);
    else exchange.answers.push(message);
    if (exchange.waiting > 0) return;
    exchange.done = true;
    this.sse.delete(exchange.res);
    if (exchange.sse) return void exchange.res.end();
    const [only] = exchange.answers;
    const body = JSON.stringify(exchange.answers.length === 1 ? only : exchange.answers);
    exchange.res.writeHead(200, this.headers({ "Content-Type": "application/json" })).end(body);
  }

  /** Writes an SSE comment on every open stream, so that proxies do not time them out. */
  keepAlive(): void {
    for (const res of this.sse) res.write(": keepalive\n\n");
  }

  /** Open GET streams (0 or 1). */
  streams(): number {
    return this.standalone ? 1 : 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const exchange of new Set(this.exchanges.values())) {
      exchange.done = true;
      if (exchange.sse) exchange.res.end();
      else if (!exchange.res.headersSent) sessionGone(exchange.res);
    }
    this.exchanges.clear();
    for (const res of this.sse) res.end();
    this.sse.clear();
    this.standalone = undefined;
    this.onclose?.();
  }

  private toSse(exchange: Exchange): void {
    exchange.sse = true;
    this.openSse(exchange.res);
    for (const m of exchange.answers) writeEvent(exchange.res, m);
    exchange.answers = [];
  }

  private openSse(res: ServerResponse): void {
    res.writeHead(200, this.headers(SSE_HEADERS));
    res.flushHeaders();
    this.sse.add(res);
    res.once("close", () => this.sse.delete(res));
  }

  private headers(base: Record<string, string>): Record<string, string> {
    return this.sessionId === undefined ? base : { ...base, "Mcp-Session-Id": this.sessionId };
  }
}

function sessionGone(res: ServerResponse): void {
  const error = { code: -32001, message: "Session not found: it was closed while this request was in progress." };
  res.writeHead(404, { "Content-Type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", error, id: null }));
}

function writeEvent(res: ServerResponse, message: JSONRPCMessage): void {
  res.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
}

type Refusal = { status: number; code: number; message: string };

/** The JSON-RPC messages of a POST body, or why it is refused. */
export function checkPost(req: IncomingMessage, body: unknown): JSONRPCMessage[] | Refusal {
  const accept = req.headers.accept ?? "";
  if (!accept.includes("application/json") || !accept.includes("text/event-stream")) {
    const message = "Not Acceptable: Client must accept both application/json and text/event-stream";
    return { status: 406, code: -32000, message };
  }
  const messages = Array.isArray(body) ? body : [body];
  if (messages.length === 0) return { status: 400, code: -32600, message: "Invalid Request: empty batch" };
  if (messages.length > MAX_BATCH) {
    return { status: 400, code: -32600, message: `Invalid Request: Batch must not exceed ${MAX_BATCH} messages` };
  }
  if (!messages.every(isMessage)) {
    return { status: 400, code: -32700, message: "Parse error: Invalid JSON-RPC message" };
  }
  return messages;
}

function isMessage(m: unknown): m is JSONRPCMessage {
  if (typeof m !== "object" || m === null || Array.isArray(m)) return false;
  const o = m as Record<string, unknown>;
  if (o.jsonrpc !== "2.0") return false;
  const idOk = typeof o.id === "string" || Number.isInteger(o.id);
  const objectOrAbsent = (v: unknown) => v === undefined || (typeof v === "object" && v !== null && !Array.isArray(v));
  if (typeof o.method === "string") return (o.id === undefined || idOk) && objectOrAbsent(o.params);
  if ("result" in o) return idOk && typeof o.result === "object" && o.result !== null;
  if ("error" in o) {
    const e = o.error as { code?: unknown; message?: unknown } | null;
    return (o.id === undefined || idOk) && typeof e?.code === "number" && typeof e.message === "string";
  }
  return false;
}

function versionProblem(req: IncomingMessage): string | undefined {
  const version = req.headers["mcp-protocol-version"];
  if (version === undefined || SUPPORTED_PROTOCOL_VERSIONS.includes(String(version))) return undefined;
  return `Bad Request: Unsupported protocol version: ${version} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")})`;
}
