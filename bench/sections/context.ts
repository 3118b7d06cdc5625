// 6. Context cost: bytes a client puts in the model's context. Per tool that is name, title, description,
// inputSchema and annotations (outputSchema is for the client, not the model); plus the server's instructions, and
// the result of a typical call.
import { type Row, row, type Section } from "../report.js";
import { ours } from "../servers.js";
import { failed, RpcChild } from "../stdio-client.js";
import { type FakeCoder, fakeWithTasks } from "../world.js";

const TOOL_BUDGET = 10_000;
/** Result text at most this many times the raw Coder body for the same facts; get and create, a tighter one. */
const RESULT_RATIO = 1.2;
const TASK_RATIO = 0.5;
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

/**
 * A typical call per tool. `raw`: the Coder bodies of its facts, when not the GETs it made (a write's answer, read
 * as a GET of the same object); `rawBefore`: read before the call (it deletes them).
 */
const TYPICAL: Array<{
  tool: string;
  args: Record<string, unknown>;
  label?: string;
  raw?: string[];
  rawBefore?: boolean;
  ratio?: number;
}> = [
  { tool: "coder_list_tasks", args: {} },
  { tool: "coder_get_task", args: { task_id: "bench-task-1" }, ratio: TASK_RATIO },
  {
    tool: "coder_get_task",
    args: { task_id: "bench-task-1", detail: "full" },
    label: 'coder_get_task detail: "full"',
  },
  { tool: "coder_get_task_logs", args: { task_id: "bench-task-1" } },
  { tool: "coder_list_templates", args: {} },
  { tool: "coder_wait_for_task", args: { task_id: "bench-task-1" } },
  {
    tool: "coder_create_task",
    args: { input: "Fix the flaky test in the payments service and open a pull request.", name: "ctx-new" },
    // POST answers 201 with the task: the same body as a GET of it (the template look-ups are left out).
    raw: ["/api/v2/tasks/me/ctx-new"],
    ratio: TASK_RATIO,
  },
  { tool: "coder_send_task_input", args: { task_id: "bench-task-2", input: "Also add a regression test." } },
  { tool: "coder_pause_task", args: { task_id: "bench-task-4" } },
  { tool: "coder_update_task_input", args: { task_id: "ctx-paused", input: "Fix the flaky test; leave CI alone." } },
  { tool: "coder_resume_task", args: { task_id: "ctx-paused" } },
  {
    tool: "coder_delete_task",
    args: { task_id: "bench-task-5" },
    raw: ["/api/v2/tasks/me/bench-task-5"],
    rawBefore: true,
  },
];

/** Bytes of the bodies Coder gives for these paths now (each once). */
async function rawBytes(fake: FakeCoder, paths: Iterable<string>): Promise<number> {
  let n = 0;
  for (const path of new Set(paths)) {
    const res = await fetch(`${fake.origin}${path}`, { headers: { "coder-session-token": fake.token } });
    n += (await res.arrayBuffer()).byteLength;
  }
  return n;
}

/**
 * Model-visible bytes of a typical call per tool, beside the raw Coder bodies of the same facts: by default the GETs
 * the call made (each path once, replayed right after it; the version probe left out).
 */
async function perToolResults(fake: FakeCoder, child: RpcChild): Promise<{ rows: Row[]; data: unknown[] }> {
  const rows: Row[] = [];
  const data: unknown[] = [];
  fake.addTask({ name: "ctx-paused", status: "paused", prompt: "Fix the flaky test in the payments service." });
  for (const call of TYPICAL) {
    const label = call.label ?? call.tool;
    const before = call.rawBefore && call.raw ? await rawBytes(fake, call.raw) : undefined;
    const from = fake.requests.length;
    const r = await child.callTool(call.tool, call.args);
    const why = failed(r);
    if (why) throw new Error(`${label} failed: ${why}`);
    const gets = fake.requests
      .slice(from)
      .filter((q) => q.method === "GET" && !q.path.endsWith("/buildinfo"))
      .map((q) => q.rawUrl);
    const raw = before ?? (await rawBytes(fake, call.raw ?? gets));
    const text = bytes(r.result.content.find((c: { type: string }) => c.type === "text")?.text ?? "");
    const structured = bytes(r.result.structuredContent ?? null);
    const whole = bytes(r.result);
    const ratio = text / raw;
    const target = call.ratio ?? RESULT_RATIO;
    data.push({ label, text, structured, whole, raw, ratio });
    rows.push(
      row(`${label}: result text`, "B", text),
      row(`  structuredContent`, "B", structured),
      row(`  whole result (text, links, structuredContent)`, "B", whole),
      row(`  raw Coder bodies for the same facts`, "B", raw),
      row(`  text / raw`, "x", ratio, `<= ${target}x`, ratio <= target),
    );
  }
  return { rows, data };
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
    const results = await perToolResults(fake, child);
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
        ...results.rows,
      ],
      notes: [
        `per tool (definition B): ${Object.entries(perTool)
          .map(([name, t]) => `${name.replace(/^coder_/, "")} ${t.definition}`)
          .join(", ")}`,
      ],
      data: { perTool, results: results.data },
    };
  } finally {
    await child.close();
    await fake.close();
  }
}
