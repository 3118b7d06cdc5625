// defineTool() exists for type inference; registerTools() is the one place that turns a handler's value or error
// into an MCP result.
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { CoderClient } from "../coder/client.js";
import { errorText } from "./error-text.js";

export interface ToolContext {
  coder: CoderClient;
  /** Aborted when the client cancels the call. */
  signal: AbortSignal;
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
}

export type AnyTool = ToolDef<z.ZodRawShape, z.ZodRawShape>;

export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(def: ToolDef<I, O>): ToolDef<I, O> {
  return def;
}

export interface ToolDeps {
  /** The client, or a NotConfiguredError that says what to set. */
  coder(): CoderClient;
  /** Removes secrets from any text that leaves the server. */
  redact(text: string): string;
}

export function registerTools(server: McpServer, tools: readonly AnyTool[], deps: ToolDeps): void {
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        // Strict: an unknown argument is an error that names it, never silently dropped.
        inputSchema: z.strictObject(tool.input),
        outputSchema: z.looseObject(tool.output),
        annotations: tool.annotations,
      },
      async (args: Record<string, unknown>, extra): Promise<CallToolResult> => {
        try {
          const value = await tool.handler(args, { coder: deps.coder(), signal: extra.signal });
          return success(value, deps.redact);
        } catch (err) {
          const text = errorText(err, { tool: tool.name, args, writes: !tool.annotations.readOnlyHint });
          // No structuredContent on errors: clients validate it against the output schema.
          return { isError: true, content: [{ type: "text", text: deps.redact(text) }] };
        }
      },
    );
  }
}

function success(value: Record<string, unknown>, redact: (text: string) => string): CallToolResult {
  const json = JSON.stringify(value);
  const safe = redact(json);
  return {
    content: [{ type: "text", text: safe }],
    structuredContent: safe === json ? value : JSON.parse(safe),
  };
}
