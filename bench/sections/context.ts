// 6. Context cost: bytes a client puts in the model's context. Per tool that is name, title, description,
// inputSchema and annotations (outputSchema is for the client, not the model); plus the server's instructions, and
// the result of a typical call.
import { row, type Section } from "../report.js";
import { ours } from "../servers.js";
import { failed, RpcChild } from "../stdio-client.js";
import { fakeWithTasks } from "../world.js";

const TOOL_BUDGET = 10_000;
const bytes = (v: unknown) => Buffer.byteLength(typeof v === "string" ? v : JSON.stringify(v));

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Bytes of the `description` strings inside a tool's inputSchema properties. */
function propertyDescriptions(t: Tool): number {
  const props = (t.inputSchema as { properties?: Record<string, { description?: string }> }).properties ?? {};
  return sum(Object.values(props).map((p) => bytes(p.description ?? "")));
}

/** Bytes the `"$schema":"..."` member adds to a tool's inputSchema (the model has no use for it). */
function schemaKey(t: Tool): number {
  const s = (t.inputSchema as { $schema?: string }).$schema;
  return s === undefined ? 0 : bytes({ $schema: s }) - 1; // "{...}" minus the braces, plus one comma
}

interface Tool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
}

export async function context(tasks: number): Promise<Section> {
  const fake = await fakeWithTasks(tasks);
  const child = new RpcChild(ours(fake));
  try {
    const init = await child.handshake();
    const list = await child.request("tools/list");
    if (list.error) throw new Error(`tools/list failed: ${list.error.message}`);
    const tools: Tool[] = list.result.tools;
    const perTool = Object.fromEntries(
      tools.map((t) => [
        t.name,
        {
          definition: bytes({
            name: t.name,
            title: t.title,
            description: t.description,
            inputSchema: t.inputSchema,
            annotations: t.annotations,
          }),
          outputSchema: bytes(t.outputSchema ?? null),
        },
      ]),
    );
    const definitions = Object.values(perTool).reduce((n, t) => n + t.definition, 0);
    const [largest, largestSize] = Object.entries(perTool)
      .map(([name, t]) => [name, t.definition] as const)
      .reduce((a, b) => (b[1] > a[1] ? b : a));

    const listed = await child.callTool("coder_list_tasks", {});
    const why = failed(listed);
    if (why) throw new Error(`coder_list_tasks failed: ${why}`);
    const text = listed.result.content.find((c: { type: string }) => c.type === "text")?.text ?? "";
    return {
      key: "context",
      title: `6. Context cost: ${tools.length} tools, and coder_list_tasks with ${listed.result.structuredContent?.count} tasks`,
      rows: [
        row(
          `tool definitions, ${tools.length} tools (name/title/description/inputSchema/annotations)`,
          "B",
          definitions,
          "< 10 KB (10 000 B)",
          definitions < TOOL_BUDGET,
        ),
        row(`largest definition: ${largest}`, "B", largestSize),
        row("  of all definitions: descriptions", "B", sum(tools.map((t) => bytes(t.description ?? "")))),
        row("  of all definitions: inputSchemas", "B", sum(tools.map((t) => bytes(t.inputSchema)))),
        row("  of all definitions: inputSchema property descriptions", "B", sum(tools.map(propertyDescriptions))),
        row('  of all definitions: "$schema" keys', "B", sum(tools.map(schemaKey))),
        row("outputSchemas, all tools (not for the model)", "B", bytes(tools.map((t) => t.outputSchema ?? null))),
        row("whole tools/list result", "B", bytes(list.result)),
        row("server instructions (initialize)", "B", bytes(init.result?.instructions ?? "")),
        row(`coder_list_tasks (${tasks} tasks): text content`, "B", bytes(text)),
        row(`coder_list_tasks (${tasks} tasks): content array (text + links)`, "B", bytes(listed.result.content)),
        row(
          `coder_list_tasks (${tasks} tasks): structuredContent`,
          "B",
          bytes(listed.result.structuredContent ?? null),
        ),
        row(`coder_list_tasks (${tasks} tasks): whole result`, "B", bytes(listed.result)),
      ],
      notes: [
        `per tool (definition B): ${Object.entries(perTool)
          .map(([name, t]) => `${name.replace(/^coder_/, "")} ${t.definition}`)
          .join(", ")}`,
      ],
      data: { perTool },
    };
  } finally {
    await child.close();
    await fake.close();
  }
}
