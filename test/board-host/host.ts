// The browser test's host page: what an MCP Apps host does, with ext-apps' AppBridge. The view runs in a sandboxed
// frame on another origin; its tool calls go to the test's MCP client through a function the test exposes.
import { AppBridge, type McpUiHostContext, PostMessageTransport } from "@modelcontextprotocol/ext-apps/app-bridge";
import type { CallToolRequest, CallToolResult } from "@modelcontextprotocol/sdk/types.js";

declare global {
  interface Window {
    /** Exposed by the test: a tools/call through its MCP client. */
    mcpCallTool(params: CallToolRequest["params"]): Promise<CallToolResult>;
    host: {
      bridge: AppBridge;
      ready: Promise<void>;
      opened: string[];
      contexts: unknown[];
      setTheme(theme: "light" | "dark"): void;
    };
  }
}

const params = new URLSearchParams(location.search);
const frame = document.createElement("iframe");
frame.title = "Coder task board";
// Scripts only: no same-origin access, no forms, no popups, no top navigation.
frame.setAttribute("sandbox", "allow-scripts");
frame.src = params.get("view") ?? "";
document.body.append(frame);

const context: McpUiHostContext = { theme: "light", locale: "en-US", platform: "web", displayMode: "inline" };
const bridge = new AppBridge(
  null,
  { name: "board-test-host", version: "1.0.0" },
  { openLinks: {}, serverTools: {}, logging: {}, updateModelContext: { text: {} } },
);
const opened: string[] = [];
const contexts: unknown[] = [];
bridge.oncalltool = (call) => window.mcpCallTool(call);
bridge.onopenlink = async ({ url }) => {
  opened.push(url);
  return {};
};
bridge.onupdatemodelcontext = async (update) => {
  contexts.push(update);
  return {};
};
bridge.onsizechange = ({ height }) => {
  if (height) frame.style.height = `${height}px`;
};
bridge.setHostContext(context);
const ready = new Promise<void>((resolve) => {
  bridge.oninitialized = () => resolve();
});
void bridge.connect(new PostMessageTransport(frame.contentWindow ?? undefined, frame.contentWindow as Window));

window.host = {
  bridge,
  ready,
  opened,
  contexts,
  setTheme(theme) {
    document.documentElement.dataset.theme = theme;
    void bridge.sendHostContextChange({ theme });
  },
};
