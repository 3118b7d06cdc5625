// Tool selection (--read-only, --tools, --exclude-tools, CODER_MCP_ALLOWED_TOOLS), decided from the tools' own
// annotations.
import type { AnyTool } from "./define.js";

export interface ToolSelection {
  readOnly: boolean;
  /** Only these tools (--tools); absent means all. An unknown name is an error. */
  allow?: string[];
  /**
   * Only these tools, from CODER_MCP_ALLOWED_TOOLS, Coder's own variable for `coder exp mcp server`: the names of
   * its former task tools select ours, and names this server does not have are ignored (see ignoredCoderTools).
   */
  coderAllow?: string[];
  exclude: string[];
}

export const ALL_TOOLS: ToolSelection = { readOnly: false, exclude: [] };

/** Coder's former task tools whose name differs from the one of ours that replaces them. */
export const CODER_TOOL_RENAMES: Readonly<Record<string, string>> = { coder_get_task_status: "coder_get_task" };

/** The names of the tools to serve; an unknown name in --tools or --exclude-tools is an error listing the known. */
export function selectTools(tools: readonly AnyTool[], selection: ToolSelection): Set<string> {
  const known = new Set(tools.map((t) => t.name));
  const unknown = [...(selection.allow ?? []), ...selection.exclude].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(
      `Unknown tool ${unknown.map((n) => `"${n}"`).join(", ")}; the tools are: ${[...known].join(", ")}.`,
    );
  }
  const allow = selection.allow ?? coderAllowed(known, selection.coderAllow);
  return new Set(
    tools
      .filter((t) => !selection.readOnly || t.annotations.readOnlyHint)
      .filter((t) => !allow || allow.includes(t.name))
      .filter((t) => !selection.exclude.includes(t.name))
      .map((t) => t.name),
  );
}

/** The names in CODER_MCP_ALLOWED_TOOLS that select none of this server's tools, for one warning at start. */
export function ignoredCoderTools(tools: readonly AnyTool[], selection: ToolSelection): string[] {
  if (selection.allow || !selection.coderAllow) return [];
  const known = new Set(tools.map((t) => t.name));
  return selection.coderAllow.filter((name) => !known.has(CODER_TOOL_RENAMES[name] ?? name));
}

function coderAllowed(known: Set<string>, names: string[] | undefined): string[] | undefined {
  return names?.map((name) => CODER_TOOL_RENAMES[name] ?? name).filter((name) => known.has(name));
}
