// Baseline (c): node itself. Reads one JSON-RPC line from stdin, answers it with an initialize result, then waits
// for stdin to end. Nothing is imported, so this is the floor of any Node stdio server.
let buffer = "";
let answered = false;
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  buffer += chunk;
  const nl = buffer.indexOf("\n");
  if (answered || nl === -1) return;
  answered = true;
  const { id } = JSON.parse(buffer.slice(0, nl));
  const result = {
    protocolVersion: "2025-06-18",
    capabilities: { tools: {} },
    serverInfo: { name: "bench-bare-node", version: "1.0.0" },
  };
  process.stdout.write(`${JSON.stringify({ jsonrpc: "2.0", id, result })}\n`);
});
process.stdin.on("end", () => process.exit(0));
