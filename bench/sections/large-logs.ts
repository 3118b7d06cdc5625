// 5. Large logs: coder_get_task_logs on a task whose log is 10 000 entries of 2 KB (~20 MB of JSON from Coder).
// Five sequential reads in one fresh server and six concurrent ones in another, so that each VmHWM is the peak of
// that run alone, measured against the server's idle RSS. A direct GET + JSON.parse of the same log is timed in the
// same run: it is what the fake (serialising and Ajv-validating 20 MB), the transfer and parsing cost by themselves.

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

const SEQUENTIAL = 5;
const CONCURRENT = 6;
const SEQ_HEADROOM_MIB = 64;
const CONC_HEADROOM_MIB = 128;
const TIME_RATIO = 1.5;

type Result = { text: string; bytes: number; data: { entries?: Array<{ content: string }> } };

/** A fresh server, past its first small call: its RSS then is the idle figure the peaks are measured from. */
async function freshServer(fake: FakeCoder): Promise<{ child: RpcChild; idle: number }> {
  const child = new RpcChild(ours(fake));
  await child.handshake();
  const warm = await child.callTool("coder_get_task", { task_id: TASK });
  const why = failed(warm);
  if (why) throw new Error(`coder_get_task failed: ${why}`);
  return { child, idle: procMiB(child.pid, "VmRSS") };
}

async function readLog(child: RpcChild): Promise<{ ms: number; r: Result }> {
  const t = performance.now();
  const r = await child.callTool("coder_get_task_logs", { task_id: TASK }, 120_000);
  const ms = performance.now() - t;
  const why = failed(r);
  if (why) throw new Error(`coder_get_task_logs failed: ${why}`);
  return { ms, r: { text: r.result.content[0].text, bytes: r.bytes, data: r.result.structuredContent } };
}

async function directRead(direct: Direct): Promise<number> {
  const t = performance.now();
  await direct.get(`/api/v2/tasks/me/${TASK}/logs`);
  return performance.now() - t;
}

/** Five reads one after another, each followed by a direct GET + JSON.parse of the same log. */
async function sequential(fake: FakeCoder, direct: Direct) {
  const { child, idle } = await freshServer(fake);
  try {
    const times: number[] = [];
    const directTimes: number[] = [];
    let last: Result | undefined;
    for (let i = 0; i < SEQUENTIAL; i++) {
      const read = await readLog(child);
      times.push(read.ms);
      last = read.r;
      directTimes.push(await directRead(direct));
    }
    return { idle, peak: procMiB(child.pid, "VmHWM"), times, directTimes, last, rssAfter: procMiB(child.pid, "VmRSS") };
  } finally {
    await child.close();
  }
}

/** Six reads at once; then six direct GET + JSON.parse at once. */
async function concurrent(fake: FakeCoder, direct: Direct) {
  const { child, idle } = await freshServer(fake);
  try {
    const reads = await Promise.all(Array.from({ length: CONCURRENT }, () => readLog(child)));
    const peak = procMiB(child.pid, "VmHWM");
    const directTimes = await Promise.all(Array.from({ length: CONCURRENT }, () => directRead(direct)));
    return { idle, peak, times: reads.map((r) => r.ms), directTimes };
  } finally {
    await child.close();
  }
}

const contentChars = (r?: Result) => (r?.data.entries ?? []).reduce((n, e) => n + e.content.length, 0);

export async function largeLogs(entries: number): Promise<Section> {
  const fake = await fakeWithTasks(1);
  const log = bigLog(entries);
  fake.setTaskLogs(TASK, log);
  const cost = fakeCost(log, 3);
  const direct = new Direct(fake);
  const rows: Row[] = [];
  let data: Record<string, unknown> = {};
  try {
    const seq = await sequential(fake, direct);
    const conc = await concurrent(fake, direct);
    data = { sequential: seq, concurrent: conc };
    const seqTime = summarize(seq.times);
    const seqDirect = summarize(seq.directTimes);
    const concTime = summarize(conc.times);
    const concDirect = summarize(conc.directTimes);
    const seqRatio = seqTime.median / seqDirect.median;
    const concRatio = concTime.median / concDirect.median;
    rows.push(
      row(`${SEQUENTIAL} sequential reads: time per read`, "ms", seqTime),
      row(`${SEQUENTIAL} sequential: direct GET + JSON.parse per read, same run`, "ms", seqDirect),
      row("  ratio (medians)", "x", seqRatio, `<= ${TIME_RATIO}x`, seqRatio <= TIME_RATIO),
      row(`${SEQUENTIAL} sequential: idle RSS (fresh server, after one small call)`, "MiB", seq.idle),
      row(
        `${SEQUENTIAL} sequential: peak RSS (VmHWM)`,
        "MiB",
        seq.peak,
        `<= idle + ${SEQ_HEADROOM_MIB} (${(seq.idle + SEQ_HEADROOM_MIB).toFixed(0)})`,
        seq.peak <= seq.idle + SEQ_HEADROOM_MIB,
      ),
      row(`${SEQUENTIAL} sequential: RSS after them`, "MiB", seq.rssAfter),
      row(`${CONCURRENT} concurrent reads: time per read`, "ms", concTime),
      row(`${CONCURRENT} concurrent: direct GET + JSON.parse per read, six at once`, "ms", concDirect),
      row("  ratio (medians)", "x", concRatio),
      row(`${CONCURRENT} concurrent: idle RSS (fresh server)`, "MiB", conc.idle),
      row(
        `${CONCURRENT} concurrent: peak RSS (VmHWM)`,
        "MiB",
        conc.peak,
        `<= idle + ${CONC_HEADROOM_MIB} (${(conc.idle + CONC_HEADROOM_MIB).toFixed(0)})`,
        conc.peak <= conc.idle + CONC_HEADROOM_MIB,
      ),
      row(
        `default read: content in result (${seq.last?.data.entries?.length} entries)`,
        "chars",
        contentChars(seq.last),
        `<= ${CONTENT_BUDGET}`,
        contentChars(seq.last) <= CONTENT_BUDGET,
      ),
      row("default read: result text", "B", Buffer.byteLength(seq.last?.text ?? "")),
      row("default read: whole JSON-RPC response", "B", seq.last?.bytes ?? 0),
    );
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
    title: `5. Large logs: ${entries} entries of ${ENTRY_CHARS} chars; ${SEQUENTIAL} sequential and ${CONCURRENT} concurrent reads`,
    rows,
    notes: [
      "every read includes the fake's work (its JSON and Ajv rows, in the bench process), as the direct GET does",
      "the direct GET + JSON.parse runs in the bench process; its memory is not the server's",
    ],
    data,
  };
}
