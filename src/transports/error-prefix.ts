// JSON-RPC error messages without the "MCP error <code>: " prefix. The SDK's McpError puts that prefix into its own
// message, the server sends the message as it is, and the client's McpError adds the prefix again, so that users
// read "MCP error -32002: MCP error -32002: ...". Removed here, once, for every error the server answers.
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

export function withoutErrorPrefix<T extends Transport>(transport: T): T {
  const send = transport.send.bind(transport);
  transport.send = (message, options) => send(strip(message), options);
  return transport;
}

function strip(message: JSONRPCMessage): JSONRPCMessage {
  if (!("error" in message)) return message;
  const { error } = message;
  const prefix = `MCP error ${error.code}: `;
  if (typeof error.message !== "string" || !error.message.startsWith(prefix)) return message;
  return { ...message, error: { ...error, message: error.message.slice(prefix.length) } };
}
