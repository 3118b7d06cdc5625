// What the HTTP tests share: the server as the bin builds it against a fake Coder, SDK clients, raw requests.
import { request } from "node:http";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type Env, loadConfig } from "../src/config.js";
import { createCoderClient } from "../src/server.js";
import { type HttpServer, type HttpServerOptions, startHttpServer } from "../src/transports/http.js";
import type { FakeCoder } from "./fake-coder/index.js";
import { FAST_WAIT } from "./harness.js";

export const INIT = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};
export const MCP_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

export interface Served {
  http: HttpServer;
  close(): Promise<void>;
}

/** The HTTP server as the bin builds it, on a free loopback port, configured from `env` against `fake`. */
export async function serve(fake: FakeCoder, env: Env = {}, options: Partial<HttpServerOptions> = {}): Promise<Served> {
  const config = loadConfig({ CODER_URL: fake.url, CODER_SESSION_TOKEN: fake.token, ...env }, "/nonexistent");
  const coder = createCoderClient(config, "test");
  const http = await startHttpServer({ config, coder, version: "test", waitTiming: FAST_WAIT, port: 0, ...options });
  return {
    http,
    async close() {
      await http.close();
      await coder?.close();
    },
  };
}

export interface HttpClient {
  client: Client;
  transport: StreamableHTTPClientTransport;
  /** Ends the session (DELETE) and the client. */
  close(): Promise<void>;
}

export async function connectClient(url: string, headers: Record<string, string> = {}): Promise<HttpClient> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: "http-test", version: "1.0.0" });
  await client.connect(transport);
  return {
    client,
    transport,
    async close() {
      await transport.terminateSession().catch(() => {});
      await client.close();
    },
  };
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** A raw request, for what the SDK client would never send. */
export async function raw(url: string, init: RequestInit = {}): Promise<RawAnswer> {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A raw initialize (and, unless `alone`, the initialized notification): the new session's ID. */
export async function rawSession(url: string, alone = false): Promise<string> {
  const init = await raw(url, { method: "POST", headers: MCP_HEADERS, body: JSON.stringify(INIT) });
  const id = init.headers.get("mcp-session-id");
  if (init.status !== 200 || !id) throw new Error(`initialize: ${init.status} ${init.text}`);
  if (!alone) {
    const body = JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" });
    await raw(url, { method: "POST", headers: sessionHeaders(id), body });
  }
  return id;
}

export function sessionHeaders(id: string): Record<string, string> {
  return { ...MCP_HEADERS, "mcp-session-id": id, "mcp-protocol-version": "2025-06-18" };
}

/** A request with a Host header (and others) of our choosing, which fetch does not let a caller set. */
export function withHost(
  url: string,
  host: string,
  headers: Record<string, string> = {},
  method = "POST",
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...MCP_HEADERS, ...headers, host } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => {
        text += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject).end(method === "POST" ? JSON.stringify(INIT) : undefined);
  });
}
