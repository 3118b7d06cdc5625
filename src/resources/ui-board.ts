// The task board as a ui:// resource: the built view (dist/board.html), told which tools it may call and how often
// to refresh. No network and no frames: the view reaches the server only through the host.
import { readFileSync } from "node:fs";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { BOARD_URI } from "./ui-meta.js";

export const BOARD_MIME = "text/html;profile=mcp-app";

export interface BoardOptions {
  /** The tools this server serves: the view offers no button for the others. */
  enabledTools: Iterable<string>;
  /** The waiting tools' pace: first and longest interval between refreshes. */
  pollMs: { first: number; max: number };
}

// Empty lists: the host's default CSP, with nothing added (no connect, resource, frame or base-uri origin).
const UI_META = {
  ui: { csp: { connectDomains: [], resourceDomains: [], frameDomains: [], baseUriDomains: [] }, prefersBorder: true },
};

export function registerBoard(server: McpServer, options: BoardOptions): void {
  const settings = [
    meta("coder-tasks-tools", [...options.enabledTools].join(",")),
    meta("coder-tasks-poll", `${options.pollMs.first},${options.pollMs.max}`),
  ].join("");
  let html: string | undefined;
  server.registerResource(
    "board",
    BOARD_URI,
    {
      title: "Coder task board",
      description: "An interactive board of Coder tasks, for clients that render MCP Apps views.",
      mimeType: BOARD_MIME,
      _meta: UI_META,
    },
    () => {
      html ??= loadView().replace("</head>", `${settings}</head>`);
      return { contents: [{ uri: BOARD_URI, mimeType: BOARD_MIME, text: html, _meta: UI_META }] };
    },
  );
}

function meta(name: string, content: string): string {
  // Tool names and numbers only: nothing here needs escaping, but a quote must never end the attribute.
  return `<meta name="${name}" content="${content.replace(/[^\w,.-]/g, "")}">`;
}

/** dist/board.html beside the bundle, or from the sources (tests, tsx) the one the build wrote. */
function loadView(): string {
  for (const candidate of ["./board.html", "../../dist/board.html"]) {
    try {
      return readFileSync(new URL(candidate, import.meta.url), "utf8");
    } catch {
      // Try the next place.
    }
  }
  throw new Error("The task board view is missing: run `npm run build` to build dist/board.html.");
}
