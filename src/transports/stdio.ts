// MCP over stdio: one JSON-RPC message per line. Unlike the SDK's transport, whose buffer overflow closes the
// transport (and with it the server, a few seconds later, losing calls in flight), a line that is too long or not a
// message is answered with a JSON-RPC error where its id can be read, or reported, and the next line is served.
import type { Readable, Writable } from "node:stream";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ErrorCode, type JSONRPCMessage, JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";

/** The SDK's limit for one message (STDIO_DEFAULT_MAX_BUFFER_SIZE). */
export const MAX_LINE_BYTES = 10 * 1024 * 1024;
/** How much of each end of a line too long is kept: enough to find its id (first or last, as clients write it). */
const END_BYTES = 1024;

export class StdioTransport implements Transport {
  onmessage?: Transport["onmessage"];
  onerror?: (error: Error) => void;
  onclose?: () => void;

  private chunks: Buffer[] = [];
  private size = 0;
  /** The line being read is over the limit: its bytes are counted, not kept. */
  private overflow?: { head: Buffer; tail: Buffer; bytes: number };

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly report: (problem: string) => void,
    private readonly maxLineBytes = MAX_LINE_BYTES,
  ) {}

  async start(): Promise<void> {
    this.input.on("data", this.onData);
  }

  async close(): Promise<void> {
    this.input.off("data", this.onData);
    this.chunks = [];
    this.onclose?.();
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      if (this.output.write(`${JSON.stringify(message)}\n`)) resolve();
      else this.output.once("drain", resolve);
    });
  }

  private readonly onData = (chunk: Buffer) => {
    let from = 0;
    for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, from)) {
      this.append(chunk.subarray(from, end));
      this.endLine();
      from = end + 1;
    }
    if (from < chunk.length) this.append(chunk.subarray(from));
  };

  private append(part: Buffer): void {
    if (this.overflow) {
      this.overflow.bytes += part.length;
      this.overflow.tail = lastBytes(Buffer.concat([this.overflow.tail, lastBytes(part)]));
      return;
    }
    this.chunks.push(part);
    this.size += part.length;
    if (this.size > this.maxLineBytes) {
      const line = Buffer.concat(this.chunks);
      this.overflow = { head: line.subarray(0, END_BYTES), tail: lastBytes(line), bytes: line.length };
      this.chunks = [];
      this.size = 0;
    }
  }

  private endLine(): void {
    const overflow = this.overflow;
    const line = overflow ? undefined : Buffer.concat(this.chunks).toString("utf8").replace(/\r$/, "");
    this.chunks = [];
    this.size = 0;
    this.overflow = undefined;
    if (overflow) {
      const mib = (this.maxLineBytes / 1024 / 1024).toFixed(0);
      this.refuse(
        `${overflow.head.toString("utf8")}\n${overflow.tail.toString("utf8")}`,
        ErrorCode.InvalidRequest,
        `Message too large: ${overflow.bytes} bytes, over the limit of ${this.maxLineBytes} bytes (${mib} MiB) for one message; it was not processed.`,
      );
      return;
    }
    if (line === undefined || line.trim() === "") return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      this.refuse(line, ErrorCode.ParseError, "Parse error: the line is not valid JSON; it was not processed.");
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(json);
    if (!parsed.success) {
      const id = (json as { id?: unknown } | null)?.id;
      this.refuse(
        typeof id === "string" || typeof id === "number" ? JSON.stringify({ id }) : "",
        ErrorCode.InvalidRequest,
        "Invalid request: the line is not a JSON-RPC 2.0 message.",
      );
      return;
    }
    this.onmessage?.(parsed.data);
  }

  /** Answers the request the line was, when its id can be read; otherwise says so on stderr. */
  private refuse(text: string, code: number, message: string): void {
    const id = idOf(text);
    if (id === undefined) {
      this.report(`${message} (no request id found in it, so no answer was sent)`);
      return;
    }
    void this.send({ jsonrpc: "2.0", id, error: { code, message } } as unknown as JSONRPCMessage);
  }
}

function lastBytes(buffer: Buffer): Buffer {
  return buffer.length > END_BYTES ? buffer.subarray(buffer.length - END_BYTES) : buffer;
}

const ID = String.raw`"id"\s*:\s*(?:"((?:[^"\\]|\\.){0,200})"|(-?\d{1,16}))`;
/** The id as the first member (after "jsonrpc"), or as the last one: never a nested object's. */
const FIRST_ID = new RegExp(String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?${ID}\s*[,}]`);
const LAST_ID = new RegExp(String.raw`[,{]\s*${ID}\s*\}\s*$`);

/** The `id` of a request, read from either end of its text (which may be cut short or broken JSON). */
function idOf(text: string): string | number | undefined {
  const m = FIRST_ID.exec(text) ?? LAST_ID.exec(text);
  if (!m) return undefined;
  if (m[2] !== undefined) return Number(m[2]);
  try {
    return JSON.parse(`"${m[1]}"`) as string;
  } catch {
    return undefined;
  }
}
