// 5. Large logs: coder_get_task_logs on a task whose log is 10 000 entries of 2 KB (~20 MB of JSON from Coder).
// Each variant runs in a fresh server, so its VmHWM is the peak of that variant alone. A direct GET of the same log
// is timed alongside: it is what the fake (serialising and Ajv-validating 20 MB) and the transfer cost by themselves.

import { goJson } from "../../test/fake-coder/http.js";
import { type FakeCoder, loadContract } from "../../test/fake-coder/index.js";
import { procMiB } from "../proc.js";
import { type Row, row, type Section } from "../report.js";
import { ours } from "../servers.js";
import { summarize } from "../stats.js";
import { failed, RpcChild } from "../stdio-client.js";
import { Direct, fakeWithTasks } from "../world.js";

const TASK = "bench-task-0";
const ENTRY_CHARS = 2048;
const CONTENT_BUDGET = 16_000; // the server's default CODER_TASKS_MCP_LOG_MAX_CHARS

function bigLog(entries: number) {
  const start = Date.parse("2026-01-01T00:00:00Z");
  return Array.from({ length: entries }, (_, id) => {
    const head = `entry ${id}: `;
    return {
      id,
      type: id % 4 === 0 ? ("input" as const) : ("output" as const),
      time: new Date(start + id * 1000).toISOString(),
      content:
        head +
        "the agent ran the test suite again and wrote a long report. ".repeat(40).slice(0, ENTRY_CHARS - head.length),
    };
  });
}

/** What the fake itself spends per logs response (Go-style JSON, then the Ajv check), timed in-process. */
function fakeCost(log: ReturnType<typeof bigLog>, runs: number): { json: number[]; ajv: number[]; bytes: number } {
  const contract = loadContract();
  const json: number[] = [];
  const ajv: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    bytes = Buffer.byteLength(goJson({ logs: log }));
    json.push(performance.now() - t);
    t = performance.now();
    contract.checkSuccess("GET /api/v2/tasks/{user}/{task}/logs", { logs: log });
    ajv.push(performance.now() - t);
  }
  return { json, ajv, bytes };
}

interface Variant {
  label: string;
  args: Record<string, unknown>;
}

async function runVariant(fake: FakeCoder, direct: Direct, v: Variant, runs: number) {
  const child = new RpcChild(ours(fake));
  try {
    await child.handshake();
    const times: number[] = [];
    const directTimes: number[] = [];
    // biome-ignore lint/suspicious/noExplicitAny: the tool's structured result.
    let last: { text: string; bytes: number; data: any } | undefined;
    let hwmFirst = Number.NaN;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const r = await child.callTool("coder_get_task_logs", { task_id: TASK, ...v.args }, 60_000);
      times.push(performance.now() - t);
      const why = failed(r);
      if (why) throw new Error(`coder_get_task_logs ${v.label} failed: ${why}`);
      last = { text: r.result.content[0].text, bytes: r.bytes, data: r.result.structuredContent };
      if (i === 0) hwmFirst = procMiB(child.pid, "VmHWM");
      const d = performance.now();
      await direct.get(`/api/v2/tasks/me/${TASK}/logs`);
      directTimes.push(performance.now() - d);
    }
    const hwm = procMiB(child.pid, "VmHWM");
    const entries: Array<{ content: string }> = last?.data?.entries ?? [];
    return {
      time: summarize(times),
      direct: summarize(directTimes),
      hwm,
      hwmFirst,
      textBytes: Buffer.byteLength(last?.text ?? ""),
      lineBytes: last?.bytes ?? 0,
      contentChars: entries.reduce((n, e) => n + e.content.length, 0),
      entries: entries.length,
    };
  } finally {
    await child.close();
  }
}

export async function largeLogs(entries: number, runs: number): Promise<Section> {
  const fake = await fakeWithTasks(1);
  const log = bigLog(entries);
  fake.setTaskLogs(TASK, log);
  const cost = fakeCost(log, 3);
  const direct = new Direct(fake);
  const variants: Variant[] = [
    { label: "default arguments", args: {} },
    { label: "limit: 1000", args: { limit: 1000 } },
  ];
  const rows: Row[] = [];
  const data: Record<string, unknown> = {};
  try {
    for (const v of variants) {
      const r = await runVariant(fake, direct, v, runs);
      data[v.label] = r;
      const isDefault = v === variants[0];
      const share = r.time.median - r.direct.median;
      rows.push(
        row(`${v.label}: call time`, "ms", r.time, isDefault ? "< 300 ms" : undefined, r.time.median < 300),
        row(`${v.label}: direct GET of the whole log`, "ms", r.direct),
        row(`${v.label}: server's share (call - direct, medians)`, "ms", share),
        row(
          `${v.label}: peak RSS after 1 call (VmHWM, fresh process)`,
          "MiB",
          r.hwmFirst,
          isDefault ? "< 150 MiB" : undefined,
          r.hwmFirst < 150,
        ),
        row(`${v.label}: peak RSS after ${runs} calls`, "MiB", r.hwm),
        row(
          `${v.label}: content in result (${r.entries} entries)`,
          "chars",
          r.contentChars,
          `<= ${CONTENT_BUDGET}`,
          r.contentChars <= CONTENT_BUDGET,
        ),
        row(`${v.label}: result text`, "B", r.textBytes),
        row(`${v.label}: whole JSON-RPC response`, "B", r.lineBytes),
      );
    }
  } finally {
    await direct.close();
    await fake.close();
  }
  rows.push(
    row("fake alone: Go-style JSON of the log", "ms", summarize(cost.json)),
    row("fake alone: Ajv check of the log", "ms", summarize(cost.ajv)),
    row("size of the log on the wire", "B", cost.bytes),
  );
  return {
    key: "largeLogs",
    title: `5. Large logs: ${entries} entries of ${ENTRY_CHARS} chars, ${runs} calls per variant`,
    rows,
    notes: [
      "call time includes the fake's work (its JSON and Ajv rows, in the bench process): see the direct GET row",
      "the JSON-RPC response carries the result twice (text content and structuredContent)",
    ],
    data,
  };
}
