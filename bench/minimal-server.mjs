// Baseline (b): the least a stdio MCP server on the same SDK can be — McpServer, StdioServerTransport, one tool.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const server = new McpServer({ name: "bench-minimal", version: "1.0.0" });
server.registerTool(
  "echo",
  { description: "Echoes its text.", inputSchema: { text: z.string() } },
  async ({ text }) => ({ content: [{ type: "text", text }] }),
);
process.stdin.on("end", () => process.exit(0));
await server.connect(new StdioServerTransport());
