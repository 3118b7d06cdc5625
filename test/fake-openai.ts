// A fake OpenAI-compatible chat-completions endpoint on 127.0.0.1, for agent loops in the client-library tests: each
// request gets the next scripted turn (tool calls, or a final answer). Every request is kept, so a test can check
// what the library sent: the tool definitions it converted and the tool results it passed back.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ChatMessage {
  role: string;
  content?: string | Array<{ type: string; text?: string }> | null;
  tool_call_id?: string;
  tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }>;
}

export type Turn = { toolCalls: Array<{ name: string; arguments: Record<string, unknown> }> } | { content: string };

/** One step of the script: sees the request (and so the tool results so far) and answers a turn. */
export type Step = (request: ChatRequest) => Turn;

export interface FakeOpenAI {
  /** The base URL a client is configured with (ends in /v1). */
  baseURL: string;
  requests: ChatRequest[];
  /** A step that threw, or a request past the script: the endpoint answered 500, and the test should fail. */
  errors: string[];
  close(): Promise<void>;
}

export async function startFakeOpenAI(script: Step[]): Promise<FakeOpenAI> {
  const requests: ChatRequest[] = [];
  const errors: string[] = [];
  let calls = 0;
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: Error) => {
      errors.push(err.message);
      send(res, 500, { error: { message: err.message, type: "server_error" } });
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
      send(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: "invalid_request_error" } });
      return;
    }
    let body = "";
    for await (const chunk of req) body += chunk;
    const request = JSON.parse(body) as ChatRequest;
    requests.push(request);
    if (request.stream) throw new Error("streaming was requested; the fake answers whole completions only");
    const step = script[requests.length - 1];
    if (!step) throw new Error(`request ${requests.length} is past the script of ${script.length} turns`);
    const turn = step(request);
    const message =
      "content" in turn
        ? { role: "assistant", content: turn.content }
        : {
            role: "assistant",
            content: null,
            tool_calls: turn.toolCalls.map((c) => ({
              id: `call_${++calls}`,
              type: "function",
              function: { name: c.name, arguments: JSON.stringify(c.arguments) },
            })),
          };
    send(res, 200, {
      id: `chatcmpl-${requests.length}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      choices: [{ index: 0, message, finish_reason: "content" in turn ? "stop" : "tool_calls" }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    });
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    errors,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** The text of the tool result message answering `callName`'s latest call in a request, or undefined. */
export function toolResult(request: ChatRequest, callName: string): string | undefined {
  const ids = new Map<string, string>();
  for (const m of request.messages) for (const c of m.tool_calls ?? []) ids.set(c.id, c.function.name);
  const results = request.messages.filter((m) => m.role === "tool" && ids.get(m.tool_call_id ?? "") === callName);
  const last = results.at(-1);
  if (!last) return undefined;
  return typeof last.content === "string"
    ? last.content
    : (last.content ?? []).map((p) => p.text ?? JSON.stringify(p)).join("\n");
}
