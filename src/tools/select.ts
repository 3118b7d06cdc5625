// Tool selection (--read-only, --tools, --exclude-tools), decided from the tools' own annotations.
import type { AnyTool } from "./define.js";

export interface ToolSelection {
  readOnly: boolean;
  /** Only these tools; absent means all. */
  allow?: string[];
  exclude: string[];
}

export const ALL_TOOLS: ToolSelection = { readOnly: false, exclude: [] };

/** The names of the tools to serve; an unknown name is an error that lists the known ones. */
export function selectTools(tools: readonly AnyTool[], selection: ToolSelection): Set<string> {
  const known = new Set(tools.map((t) => t.name));
  const unknown = [...(selection.allow ?? []), ...selection.exclude].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(
      `Unknown tool ${unknown.map((n) => `"${n}"`).join(", ")}; the tools are: ${[...known].join(", ")}.`,
    );
  }
  return new Set(
    tools
      .filter((t) => !selection.readOnly || t.annotations.readOnlyHint)
      .filter((t) => !selection.allow || selection.allow.includes(t.name))
      .filter((t) => !selection.exclude.includes(t.name))
      .map((t) => t.name),
  );
}
