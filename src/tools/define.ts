// defineTool() exists for type inference; registerTools() is the one place that turns a handler's value or error
// into an MCP result: Coder's and agents' text cleaned, capped and fenced (secrets are redacted on the way out, by
// the transport's guard).
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  type CallToolResult,
  ElicitResultSchema,
  type ServerNotification,
  type ServerRequest,
  type ToolAnnotations,
} from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { CoderClient } from "../coder/client.js";
import type { WaitTiming } from "../coder/wait.js";
import { errorText } from "../format/error-text.js";
import type { TaskLink } from "../format/task-uris.js";
import { capText, cleanDeep, cleanLine, cleanUntrusted, fenceUntrusted } from "../format/untrusted.js";
import { lenientShape } from "./lenient.js";

/** Single-line texts a client shows (progress, dialog, link titles): at most this long. */
const LINE_MAX_CHARS = 500;
const DIALOG_MAX_CHARS = 1000;

export interface ToolContext {
  coder: CoderClient;
  /** Aborted when the client cancels the call. */
  signal: AbortSignal;
  /** Sends a progress notification when the caller asked for them (a progress token); never fails. */
  progress(message: string): void;
  /** Asks the user to confirm, where the client supports elicitation. */
  confirm(message: string, label: string): Promise<Confirmation>;
  settings: ToolSettings;
}

export interface ToolSettings {
  /** Characters of log content one result may carry. */
  logMaxChars: number;
  /** Polling pace of the waiting tools; Coder CLI's pace when absent. */
  waitTiming?: WaitTiming;
  /** Send resource_link content too (opt-in: some clients turn links into blocks their model refuses). */
  resourceLinks?: boolean;
}

export interface ToolDef<I extends z.ZodRawShape, O extends z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: Required<Pick<ToolAnnotations, "readOnlyHint" | "destructiveHint" | "idempotentHint" | "openWorldHint">>;
  // Method syntax on purpose: it lets tools of different shapes share one array.
  handler(args: z.infer<z.ZodObject<I>>, ctx: ToolContext): Promise<z.infer<z.ZodObject<O>>>;
  /** Names the result's fields that carry agent output (e.g. "Each entry's content"); the text is then fenced. */
  untrusted?: string;
  /** Resources the result names, sent as resource_link content when enabled (the URIs are in the result too). */
  links?(value: z.infer<z.ZodObject<O>>): TaskLink[];
  /** The tool definition's _meta (e.g. the MCP Apps view its results carry). */
  _meta?: Record<string, unknown>;
}

export type AnyTool = ToolDef<z.ZodRawShape, z.ZodRawShape>;

/** The user's answer; "unsupported" when the client cannot ask (it relies on the tool's annotations instead). */
export type Confirmation = "accept" | "decline" | "cancel" | "unsupported";

export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(def: ToolDef<I, O>): ToolDef<I, O> {
  return def;
}

export interface ToolDeps {
  /** The client, or a NotConfiguredError that says what to set. */
  coder(): CoderClient;
  settings: ToolSettings;
}

/** Registers every tool; those not in `enabled` are disabled: absent from tools/list and refused when called. */
export function registerTools(
  server: McpServer,
  tools: readonly AnyTool[],
  enabled: Set<string>,
  deps: ToolDeps,
): void {
  for (const tool of tools) {
    const registered = server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        // Strict: an unknown argument is an error that names it, never silently dropped. Lenient only where models
        // are: null for an optional argument, a number as a numeric string.
        inputSchema: z.strictObject(lenientShape(tool.input)),
        outputSchema: z.looseObject(tool.output),
        annotations: tool.annotations,
        _meta: tool._meta,
      },
      async (args: Record<string, unknown>, extra): Promise<CallToolResult> => {
        try {
          const progress = progressReporter(extra);
          const context: ToolContext = {
            coder: deps.coder(),
            signal: extra.signal,
            progress: progress.report,
            confirm: (message, label) => confirm(server, message, label, extra.signal),
            settings: deps.settings,
          };
          const value = await tool.handler(args, context).finally(progress.flush);
          // Links are opt-in: some clients turn them into blocks their model refuses.
          return success(
            cleanDeep(value, cleanUntrusted),
            deps.settings.resourceLinks ? tool : { ...tool, links: undefined },
          );
        } catch (err) {
          const text = errorText(err, { tool: tool.name, args, writes: !tool.annotations.readOnlyHint });
          // No structuredContent on errors: clients validate it against the output schema.
          return { isError: true, content: [{ type: "text", text }] };
        }
      },
    );
    if (!enabled.has(tool.name)) registered.disable();
  }
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Progress notifications for one call, and a way to wait until all were sent: none may follow the result. */
function progressReporter(extra: Extra) {
  const token = extra._meta?.progressToken;
  let progress = 0;
  let sent: Promise<unknown> = Promise.resolve();
  return {
    report(message: string): void {
      if (token === undefined) return;
      progress += 1;
      const params = { progressToken: token, progress, message: capText(cleanLine(message), LINE_MAX_CHARS) };
      // The client may be gone by now: a lost progress notification must not fail the call.
      sent = Promise.all([sent, extra.sendNotification({ method: "notifications/progress", params }).catch(() => {})]);
    },
    flush: () => sent,
  };
}

async function confirm(server: McpServer, message: string, label: string, signal: AbortSignal): Promise<Confirmation> {
  if (!server.server.getClientCapabilities()?.elicitation) return "unsupported";
  // A direct request: the SDK's elicitInput() refuses clients that declare elicitation as {} (protocol 2025-06-18).
  const result = await server.server.request(
    {
      method: "elicitation/create",
      params: {
        // A task's creator chose its display name: no line break or hidden character may reshape the question.
        message: capText(cleanLine(message), DIALOG_MAX_CHARS),
        requestedSchema: {
          type: "object",
          properties: {
            confirm: { type: "boolean", title: capText(cleanLine(label), LINE_MAX_CHARS), default: false },
          },
          required: ["confirm"],
        },
      },
    },
    ElicitResultSchema,
    { signal },
  );
  if (result.action !== "accept") return result.action;
  return result.content?.confirm === true ? "accept" : "decline";
}

/** Redaction comes later, on the whole message (transports/outbound.ts): text and structuredContent alike. */
function success(value: Record<string, unknown>, tool: AnyTool): CallToolResult {
  const json = JSON.stringify(value);
  const links = tool.links?.(value) ?? [];
  return {
    content: [
      { type: "text", text: tool.untrusted ? fenceUntrusted(json, tool.untrusted) : json },
      ...links.map((link) => ({ type: "resource_link" as const, ...cleanLink(link) })),
    ],
    structuredContent: value,
  };
}

function cleanLink(link: TaskLink): TaskLink {
  const name = capText(cleanLine(link.name), LINE_MAX_CHARS);
  return link.title === undefined
    ? { ...link, name }
    : { ...link, name, title: capText(cleanLine(link.title), LINE_MAX_CHARS) };
}
