// 4. Memory: RSS of one server process over many calls (get_task and list_tasks alternating). A few calls are kept
// in flight so that 20 000 calls take seconds, not minutes. GC cannot be forced from outside, so RSS is as found;
// a second run with V8's old space capped tells garbage (stays flat) from a leak (grows, or dies out of memory).
import { procMiB } from "../proc.js";
import { row, type Section } from "../report.js";
import { ours } from "../servers.js";
import { failed, RpcChild } from "../stdio-client.js";
import { fakeWithTasks } from "../world.js";

const TASKS = 5;
const WINDOW = 4;
const FIRST = 100;
const SAMPLE_EVERY = 1000;
const CAPPED_OLD_SPACE_MIB = 64;

interface Run {
  idle: number;
  at100: number;
  end: number;
  hwm: number;
  done: number;
  elapsedMs: number;
  errors: number;
  firstError: string;
  samples: Array<{ calls: number; rssMiB: number }>;
}

async function run(total: number, budgetMs: number, nodeArgs: string[]): Promise<Run> {
  const fake = await fakeWithTasks(TASKS);
  const child = new RpcChild(ours(fake, {}, nodeArgs));
  const samples: Run["samples"] = [];
  let errors = 0;
  let firstError = "";
  try {
    await child.handshake();
    const idle = procMiB(child.pid, "VmRSS");
    let next = 0;
    let done = 0;
    const deadline = performance.now() + budgetMs;
    const t0 = performance.now();
    // WINDOW workers pull call numbers until the count or the time budget runs out.
    const worker = async () => {
      while (next < total && performance.now() < deadline) {
        const i = next++;
        const r =
          i % 2 === 0
            ? await child.callTool("coder_get_task", { task_id: `bench-task-${i % TASKS}` })
            : await child.callTool("coder_list_tasks", {});
        const why = failed(r);
        if (why) {
          errors += 1;
          firstError ||= why;
        }
        done += 1;
        if (done === FIRST || done % SAMPLE_EVERY === 0)
          samples.push({ calls: done, rssMiB: procMiB(child.pid, "VmRSS") });
      }
    };
    await Promise.all(Array.from({ length: WINDOW }, worker));
    return {
      idle,
      at100: samples.find((s) => s.calls === FIRST)?.rssMiB ?? Number.NaN,
      end: procMiB(child.pid, "VmRSS"),
      hwm: procMiB(child.pid, "VmHWM"),
      done,
      elapsedMs: performance.now() - t0,
      errors,
      firstError,
      samples,
    };
  } finally {
    await child.close();
    await fake.close();
  }
}

const trend = (r: Run) =>
  r.samples
    .filter((_, i) => i % Math.max(1, Math.floor(r.samples.length / 6)) === 0 || i === r.samples.length - 1)
    .map((s) => `${s.calls}: ${s.rssMiB.toFixed(0)}`)
    .join(", ");

export async function memory(total: number, budgetMs: number): Promise<Section> {
  const free = await run(total, budgetMs, []);
  const capped = await run(total, budgetMs, [`--max-old-space-size=${CAPPED_OLD_SPACE_MIB}`]);
  const growth = free.end - free.at100;
  // The capped heap fills up first; a leak shows as growth after that, so measure from a quarter of the run.
  const quarter = capped.samples.find((x) => x.calls >= capped.done / 4) ?? { calls: FIRST, rssMiB: capped.at100 };
  const errors = free.errors + capped.errors;
  return {
    key: "memory",
    title: `4. Memory: RSS of one server over ${free.done} calls (get_task/list_tasks, ${WINDOW} in flight)`,
    rows: [
      row("RSS idle (after initialize)", "MiB", free.idle, "< 80 MiB", free.idle < 80),
      row(`RSS after ${FIRST} calls`, "MiB", free.at100),
      row(`RSS after ${free.done} calls`, "MiB", free.end),
      row(`growth ${FIRST} -> ${free.done} calls`, "MiB", growth, "< 10 MiB", growth < 10),
      row("peak RSS (VmHWM)", "MiB", free.hwm),
      row("calls per second", "", (free.done / free.elapsedMs) * 1000),
      row(
        `leak check, old space capped at ${CAPPED_OLD_SPACE_MIB} MiB: growth ${quarter.calls} -> ${capped.done} calls`,
        "MiB",
        capped.end - quarter.rssMiB,
      ),
      row(`leak check: RSS after ${capped.done} calls`, "MiB", capped.end),
      row("errors (both runs)", "calls", errors, "0", errors === 0),
    ],
    notes: [
      `RSS (MiB) by calls done: ${trend(free)}`,
      `capped (--max-old-space-size=${CAPPED_OLD_SPACE_MIB}): ${trend(capped)}; flat = garbage V8 had not collected yet, not a leak`,
      ...(free.done < total
        ? [`stopped at ${free.done} of ${total} calls: time budget of ${budgetMs} ms reached`]
        : []),
      ...[free.firstError, capped.firstError].filter(Boolean).map((e) => `first error: ${e}`),
    ],
    data: { default: free, capped },
  };
}
