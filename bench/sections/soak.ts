// 7. Soak: one server process, many mixed calls (reads, sends, creates, pause/update/resume), 10 % of them with a
// fault injected just before them into the requests of that call (a reset, a 5xx, a proxy's HTML page, a 429, a
// JSON body cut short, an answer slower than the time-out). Checked: the process never dies and answers every call;
// no write reaches Coder twice (the fake records a request before it applies a fault, so a retried write shows as a
// second request); the inputs a task received match the sends that succeeded or said they may have reached Coder;
// RSS stays flat (a second, shorter pass with V8's old space capped tells a leak from garbage, as in 4. Memory).
//
// A faulted call has its resources (its task, the task list, the template lookup) to itself while it runs, so that no
// other call takes its fault or adds to the requests counted for it; unfaulted calls share them. Pause, update and
// resume are chosen from the task's state in the fake, so they too run alone, and a resource whose write was delayed
// stays locked until the fake has applied it. Sends and creates are told apart in the fake's log by their unique body.
import { setTimeout as sleep } from "node:timers/promises";
import type { Fault } from "../../test/fake-coder/index.js";
import { procMiB } from "../proc.js";
import { row, type Section } from "../report.js";
import { ours } from "../servers.js";
import { summarize } from "../stats.js";
import { RpcChild, type RpcResponse } from "../stdio-client.js";
import { FakeCoder } from "../world.js";

// Six, not four: in 20 000 calls ~800 read faults are retried after a jittered back-off of up to 0.5 s and ~100 delays
// wait out the time-out; with six in flight those waits overlap the CPU-bound calls: ~75 s, against ~100 s with four.
const WINDOW = 6;
/** Drawn calls that may wait for their resources while later calls run. */
const MAX_QUEUED = 512;
const FAULT_RATE = 0.1;
const TIMEOUT_SECONDS = 1;
const DELAY_MS = 1500; // past the time-out: the server gives up, the fake still applies a delayed write
const ANSWER_BOUND_MS = 10_000; // a call without a JSON-RPC answer by then counts as unanswered
const SAMPLE_EVERY = 500;
/** RSS is compared from here on (from a quarter of the calls in a shorter run). */
const FIRST = 1000;
const CAPPED_OLD_SPACE_MIB = 64;
const SEED = 20_000;

const READ_TASKS = 6;
const SEND_TASKS = 6;
const CYCLE_TASKS = 4;
const CREATE_OWNER = "soak-bot";

type Op = "get_task" | "list_tasks" | "get_task_logs" | "list_templates" | "send" | "create" | "cycle";
type Tool =
  | "coder_get_task"
  | "coder_list_tasks"
  | "coder_get_task_logs"
  | "coder_list_templates"
  | "coder_send_task_input"
  | "coder_create_task"
  | "coder_pause_task"
  | "coder_update_task_input"
  | "coder_resume_task";

/** Out of 20 calls. */
const OP_WEIGHTS: Array<[Op, number]> = [
  ["get_task", 5],
  ["list_tasks", 3],
  ["get_task_logs", 3],
  ["list_templates", 2],
  ["send", 3],
  ["create", 1],
  ["cycle", 3],
];

type FaultKind = "reset" | "500" | "html502" | "503" | "429" | "truncated" | "delay";

/** Delays are rarer: each costs a whole time-out. */
const FAULT_WEIGHTS: Array<[FaultKind, number]> = [
  ["reset", 3],
  ["500", 3],
  ["html502", 3],
  ["503", 3],
  ["429", 3],
  ["truncated", 3],
  ["delay", 1],
];

const FAULT_KINDS = FAULT_WEIGHTS.map(([k]) => k);

const WRITE_TOOLS = new Set<Tool>([
  "coder_send_task_input",
  "coder_create_task",
  "coder_pause_task",
  "coder_update_task_input",
  "coder_resume_task",
]);

const NGINX_502 =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/** The injected answer; a cut body carries the status the endpoint succeeds with, when that status has a body. */
function faultFor(kind: FaultKind, successStatus: number): Fault {
  const json = "application/json";
  switch (kind) {
    case "reset":
      return { kind: "reset" };
    case "500":
      return { status: 500, contentType: json, body: '{"message":"An internal server error occurred."}' };
    case "html502":
      return { status: 502, contentType: "text/html", body: NGINX_502 };
    case "503":
      return {
        status: 503,
        contentType: "text/plain",
        body: "upstream connect error or disconnect/reset before headers",
      };
    case "429":
      return {
        status: 429,
        contentType: json,
        headers: { "Retry-After": "0" },
        body: '{"message":"You\'ve been rate limited."}',
      };
    case "truncated":
      return {
        status: successStatus === 204 ? 200 : successStatus,
        contentType: json,
        body: '{"id":"6f8a2c1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b","name":"soak-',
      };
    case "delay":
      return { kind: "delay", ms: DELAY_MS };
  }
}

/** mulberry32: the same calls and faults every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(weights: Array<[T, number]>, r: number): T {
  const total = weights.reduce((n, [, w]) => n + w, 0);
  let x = r * total;
  for (const [v, w] of weights) {
    x -= w;
    if (x < 0) return v;
  }
  return (weights.at(-1) as [T, number])[0];
}

/**
 * Locks on named resources: a faulted call (or one whose outcome depends on the state of its task) holds its keys
 * alone, so that no other call takes its fault or adds to the requests counted for it; other calls share them. A
 * call whose keys are busy waits in a queue while the workers run later calls, and a waiting call that needs its
 * keys alone keeps new sharers off them, so it is not starved.
 */
class Locks {
  private readonly shared = new Map<string, number>();
  private readonly exclusive = new Set<string>();
  private readonly wanted = new Map<string, number>();
  private waiters: Array<() => void> = [];

  free(keys: string[], alone: boolean): boolean {
    return keys.every((k) =>
      alone ? !this.exclusive.has(k) && (this.shared.get(k) ?? 0) === 0 : !this.exclusive.has(k) && !this.wanted.has(k),
    );
  }

  /** A call that needs `keys` alone is waiting for them. */
  want(keys: string[]): void {
    for (const k of keys) this.wanted.set(k, (this.wanted.get(k) ?? 0) + 1);
  }

  /** Takes keys that free() said are free; `wanted` says whether want() was called for them. */
  hold(keys: string[], alone: boolean, wanted: boolean): void {
    for (const k of keys) {
      if (!alone) {
        this.shared.set(k, (this.shared.get(k) ?? 0) + 1);
        continue;
      }
      this.exclusive.add(k);
      if (!wanted) continue;
      const w = (this.wanted.get(k) ?? 1) - 1;
      if (w > 0) this.wanted.set(k, w);
      else this.wanted.delete(k);
    }
  }

  release(keys: string[], alone: boolean): void {
    for (const k of keys) {
      if (alone) this.exclusive.delete(k);
      else {
        const n = (this.shared.get(k) ?? 1) - 1;
        if (n > 0) this.shared.set(k, n);
        else this.shared.delete(k);
      }
    }
    const waiting = this.waiters;
    this.waiters = [];
    for (const wake of waiting) wake();
  }

  /** Resolves at the next release. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

interface Target {
  method: string;
  path: string;
}

interface Planned {
  tool: Tool;
  args: Record<string, unknown>;
  /** Requests a fault may be put on (reads: the GETs; writes: the write). */
  faultTargets: Target[];
  /** The write request, for write tools; `marker`, a string value unique to its JSON body, tells it from others. */
  write?: Target & { successStatus: number; marker?: string };
}

type Outcome = "ok" | "isError" | "uncertain" | "rpcError" | "unanswered";

interface Unexpected {
  call: number;
  tool: Tool;
  fault: FaultKind | "none";
  outcome: Outcome;
  text: string;
}

interface World {
  fake: FakeCoder;
  ids: Map<string, string>;
  versionId: string;
}

async function world(): Promise<World> {
  const fake = await FakeCoder.start();
  fake.addUser({ username: CREATE_OWNER });
  const { activeVersionId } = fake.addTemplate({
    name: "soak-template",
    displayName: "Soak Template",
    presets: [
      { name: "Small", default: true },
      { name: "Large", parameters: [{ name: "cpu", value: "8" }] },
    ],
  });
  const ids = new Map<string, string>();
  const add = (name: string, state: "idle" | "working") => {
    const t = fake.addTask({
      name,
      prompt: `Soak ${name}: fix the flaky payments test and open a pull request.`,
      state: { state, message: `${name}: looking at the retry loop.` },
      logs: [
        { type: "input", content: `Soak ${name}: fix the flaky payments test.` },
        { type: "output", content: "Found a race in the retry loop; patching it now." },
      ],
    });
    ids.set(name, t.id);
  };
  for (let i = 0; i < READ_TASKS; i++) add(`soak-read-${i}`, i % 3 === 0 ? "working" : "idle");
  for (let i = 0; i < SEND_TASKS; i++) add(`soak-send-${i}`, "idle");
  for (let i = 0; i < CYCLE_TASKS; i++) add(`soak-cycle-${i}`, "idle");
  return { fake, ids, versionId: activeVersionId };
}

interface PassResult {
  label: string;
  requested: number;
  done: number;
  elapsedMs: number;
  stoppedByBudget: boolean;
  idle: number;
  /** RSS after `firstAt` calls. */
  firstAt: number;
  atFirst: number;
  end: number;
  hwm: number;
  samples: Array<{ calls: number; rssMiB: number }>;
  outcomes: Record<Outcome, number>;
  /** outcome counts per "read|write:fault". */
  matrix: Record<string, Record<Outcome, number>>;
  faults: number;
  faultsUnconsumed: number;
  duplicateWrites: number;
  missingWrites: number;
  duplicateDetail: string[];
  sendLedger: { sent: number; ok: number; uncertain: number; definite: number; delivered: number; problems: string[] };
  createLedger: { ok: number; uncertain: number; definite: number; created: number; problems: string[] };
  /** Outcomes other than expected(); the first 1 000 of them in `unexpected`. */
  unexpectedCount: number;
  unexpected: Unexpected[];
  /** Worker time spent waiting for a call whose resources were free. */
  idleMs: number;
  timesPlain: number[];
  timesFaulted: number[];
  alive: boolean;
  toolsListAnswered: boolean;
  exit: string;
  stderrLines: string[];
}

const zero = (): Record<Outcome, number> => ({ ok: 0, isError: 0, uncertain: 0, rpcError: 0, unanswered: 0 });

function classify(r: RpcResponse | undefined): { outcome: Outcome; text: string } {
  if (!r) return { outcome: "unanswered", text: "" };
  if (r.error) return { outcome: "rpcError", text: `${r.error.code} ${r.error.message}` };
  const text = String(r.result?.content?.[0]?.text ?? "");
  if (!r.result?.isError) return { outcome: "ok", text: "" };
  return { outcome: /may have reached Coder/.test(text) ? "uncertain" : "isError", text };
}

/** What the README's Reliability section promises for this call and fault. */
function expected(isWrite: boolean, fault: FaultKind | undefined): Outcome {
  if (!fault) return "ok";
  if (isWrite) return fault === "429" ? "isError" : "uncertain";
  if (fault === "500" || fault === "delay") return "isError";
  return "ok"; // retried: reset, 502, 503, 429 (Retry-After: 0), a cut body
}

async function pass(label: string, total: number, budgetMs: number, nodeArgs: string[]): Promise<PassResult> {
  const { fake, ids, versionId } = await world();
  const child = new RpcChild(ours(fake, { CODER_TASKS_MCP_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS) }, nodeArgs));
  let exit = "";
  void child.exited.then((code) => {
    exit = String(code);
  });
  const rng = prng(SEED);
  const locks = new Locks();
  const lingering: Array<Promise<void>> = [];
  const sampleEvery = Math.max(1, Math.min(SAMPLE_EVERY, Math.floor(total / 10)));
  const res: PassResult = {
    label,
    requested: total,
    done: 0,
    elapsedMs: 0,
    stoppedByBudget: false,
    idle: Number.NaN,
    firstAt: Math.min(FIRST, Math.max(1, Math.floor(total / 4))),
    atFirst: Number.NaN,
    end: Number.NaN,
    hwm: Number.NaN,
    samples: [],
    outcomes: zero(),
    matrix: {},
    faults: 0,
    faultsUnconsumed: 0,
    duplicateWrites: 0,
    missingWrites: 0,
    duplicateDetail: [],
    sendLedger: { sent: 0, ok: 0, uncertain: 0, definite: 0, delivered: 0, problems: [] },
    createLedger: { ok: 0, uncertain: 0, definite: 0, created: 0, problems: [] },
    unexpectedCount: 0,
    unexpected: [],
    idleMs: 0,
    timesPlain: [],
    timesFaulted: [],
    alive: false,
    toolsListAnswered: false,
    exit: "",
    stderrLines: [],
  };
  /** Per send task: input -> outcome of the call that sent it. */
  const sends = new Map<string, Map<string, Outcome>>();
  const creates = new Map<string, Outcome>();
  /** Per cycle task: whether its prompt was updated since it was paused. */
  const updated = new Map<string, boolean>();

  const id = (name: string) => ids.get(name) as string;
  const taskPath = (name: string) => `/api/v2/tasks/me/${name}`;
  const plan = (op: Op, i: number, r: number): { keys: string[]; alone?: boolean; make(): Planned } => {
    const readTask = `soak-read-${Math.floor(r * READ_TASKS)}`;
    switch (op) {
      case "get_task":
        return {
          keys: [readTask],
          make: () => ({
            tool: "coder_get_task",
            args: { task_id: readTask },
            faultTargets: [{ method: "GET", path: taskPath(readTask) }],
          }),
        };
      case "get_task_logs":
        return {
          keys: [readTask],
          make: () => ({
            tool: "coder_get_task_logs",
            args: { task_id: readTask, limit: 20 },
            faultTargets: [
              { method: "GET", path: taskPath(readTask) },
              { method: "GET", path: `${taskPath(id(readTask))}/logs` },
            ],
          }),
        };
      case "list_tasks":
        return {
          keys: ["list"],
          make: () => ({
            tool: "coder_list_tasks",
            args: {},
            faultTargets: [{ method: "GET", path: "/api/v2/tasks" }],
          }),
        };
      case "list_templates":
        return {
          keys: ["templates"],
          make: () => ({
            tool: "coder_list_templates",
            args: {},
            faultTargets: [
              { method: "GET", path: "/api/v2/templates" },
              { method: "GET", path: `/api/v2/templateversions/${versionId}/presets` },
            ],
          }),
        };
      case "send": {
        const task = `soak-send-${Math.floor(r * SEND_TASKS)}`;
        const input = `soak input ${label} #${i}`;
        const write = { method: "POST", path: `${taskPath(id(task))}/send`, successStatus: 204, marker: input };
        return {
          keys: [task],
          make: () => ({
            tool: "coder_send_task_input",
            args: { task_id: task, input },
            faultTargets: [write],
            write,
          }),
        };
      }
      case "create": {
        const name = `soak-c-${i}`;
        const write = { method: "POST", path: `/api/v2/tasks/${CREATE_OWNER}`, successStatus: 201, marker: name };
        return {
          keys: ["templates", "create"],
          make: () => ({
            tool: "coder_create_task",
            args: { input: `Soak ${name}: add a regression test for the retry loop.`, name, user: CREATE_OWNER },
            faultTargets: [write],
            write,
          }),
        };
      }
      case "cycle": {
        const task = `soak-cycle-${Math.floor(r * CYCLE_TASKS)}`;
        return {
          keys: [task],
          alone: true,
          // Decided once the lock is held, from what the fake holds: active -> pause; paused -> update, then resume.
          make: () => {
            const status = fake.getTask(task)?.status;
            const base = taskPath(id(task));
            if (status !== "paused") {
              updated.set(task, false);
              const write = { method: "POST", path: `${base}/pause`, successStatus: 202 };
              return {
                tool: "coder_pause_task",
                args: { task_id: task },
                faultTargets: [write],
                write,
              };
            }
            if (!updated.get(task)) {
              updated.set(task, true);
              const write = { method: "PATCH", path: `${base}/input`, successStatus: 204 };
              return {
                tool: "coder_update_task_input",
                args: { task_id: task, input: `Soak ${task}: corrected prompt #${i}.` },
                faultTargets: [write],
                write,
              };
            }
            const write = { method: "POST", path: `${base}/resume`, successStatus: 202 };
            return {
              tool: "coder_resume_task",
              args: { task_id: task },
              faultTargets: [write],
              write,
            };
          },
        };
      }
    }
  };

  /** Takes an injected fault its call never used, with a request that cannot change anything (a wrong token). */
  const drain = async (t: Target) => {
    try {
      await fetch(fake.origin + t.path, {
        method: t.method,
        headers: { "coder-session-token": "drain00000-0000000000000000000000" },
        signal: AbortSignal.timeout(DELAY_MS + 1000),
      }).then((r) => r.arrayBuffer());
    } catch {
      // a reset is what it was for
    }
  };

  try {
    await child.handshake();
    // Start-up (buildinfo, users/me) and the first request (the pool) before anything is measured or faulted.
    await child.callTool("coder_get_task", { task_id: "soak-read-1" });
    await child.callTool("coder_list_tasks", {});
    res.idle = procMiB(child.pid, "VmRSS");
    let next = 0;
    const t0 = performance.now();
    const deadline = t0 + budgetMs;

    interface Drawn {
      i: number;
      keys: string[];
      alone: boolean;
      wanted: boolean;
      faultKind: FaultKind | undefined;
      targetPick: number;
      make(): Planned;
    }
    // Calls are drawn in order (the same calls and faults every run); one whose keys are busy waits in `queued`.
    const queued: Drawn[] = [];
    const draw = (): Drawn => {
      const i = next++;
      const op = pick(OP_WEIGHTS, rng());
      const r = rng();
      const faultKind = rng() < FAULT_RATE ? pick(FAULT_WEIGHTS, rng()) : undefined;
      const targetPick = rng();
      const { keys, make, alone: stateful } = plan(op, i, r);
      return {
        i,
        keys,
        make,
        faultKind,
        targetPick,
        alone: stateful === true || faultKind !== undefined,
        wanted: false,
      };
    };
    const take = (): Drawn | undefined => {
      const ready = queued.findIndex((d) => locks.free(d.keys, d.alone));
      if (ready !== -1) return queued.splice(ready, 1)[0];
      while (next < total && queued.length < MAX_QUEUED && performance.now() < deadline) {
        const d = draw();
        if (locks.free(d.keys, d.alone)) return d;
        if (d.alone) {
          locks.want(d.keys);
          d.wanted = true;
        }
        queued.push(d);
      }
      return undefined;
    };

    const worker = async () => {
      while (performance.now() < deadline && exit === "") {
        const d = take();
        if (!d) {
          if (next >= total && queued.length === 0) break;
          const idleFrom = performance.now();
          await locks.changed();
          res.idleMs += performance.now() - idleFrom;
          continue;
        }
        const { i, keys, alone, faultKind, targetPick } = d;
        locks.hold(keys, alone, d.wanted);
        let releaseAt = 0;
        try {
          const p = d.make();
          const isWrite = WRITE_TOOLS.has(p.tool);
          const mark = fake.requests.length;
          let target: Target | undefined;
          if (faultKind) {
            target = p.faultTargets[Math.floor(targetPick * p.faultTargets.length)] as Target;
            const success = p.write && target === p.write ? p.write.successStatus : 200;
            fake.injectFault(
              { method: target.method, path: new RegExp(`^${target.path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) },
              faultFor(faultKind, success),
            );
            res.faults += 1;
            if (faultKind === "delay" && isWrite) releaseAt = performance.now() + DELAY_MS + 250;
          }
          const started = performance.now();
          let response: RpcResponse | undefined;
          try {
            response = await child.callTool(p.tool, p.args, ANSWER_BOUND_MS);
          } catch {
            response = undefined; // timed out, or the process is gone
          }
          (faultKind ? res.timesFaulted : res.timesPlain).push(performance.now() - started);
          const { outcome, text } = classify(response);
          res.outcomes[outcome] += 1;
          const cell = `${isWrite ? "write" : "read"}:${faultKind ?? "none"}`;
          res.matrix[cell] ??= zero();
          (res.matrix[cell] as Record<Outcome, number>)[outcome] += 1;
          const want = expected(isWrite, faultKind);
          if (outcome !== want) {
            res.unexpectedCount += 1;
            if (res.unexpected.length < 1000)
              res.unexpected.push({
                call: i,
                tool: p.tool,
                fault: faultKind ?? "none",
                outcome,
                text: text.slice(0, 300),
              });
          }

          const seen = fake.requests.slice(mark);
          if (target) {
            const t = target;
            if (!seen.some((q) => q.method === t.method && q.path === t.path)) {
              res.faultsUnconsumed += 1;
              await drain(t);
            }
          }
          if (p.write) {
            const w = p.write;
            const writes = seen.filter(
              (q) =>
                q.method === w.method &&
                q.path === w.path &&
                (w.marker === undefined || q.body.includes(JSON.stringify(w.marker))),
            ).length;
            if (writes > 1) {
              res.duplicateWrites += 1;
              if (res.duplicateDetail.length < 10)
                res.duplicateDetail.push(
                  `duplicated write (${label} pass): call ${i} ${p.tool}, fault ${faultKind ?? "none"}: ${writes}x ${w.method} ${w.path}`,
                );
            }
            if (writes === 0) res.missingWrites += 1;
            if (p.tool === "coder_send_task_input") {
              const task = p.args.task_id as string;
              if (!sends.has(task)) sends.set(task, new Map());
              sends.get(task)?.set(p.args.input as string, outcome);
            }
            if (p.tool === "coder_create_task") creates.set(p.args.name as string, outcome);
          }
          res.done += 1;
          if (res.done === res.firstAt) res.atFirst = procMiB(child.pid, "VmRSS");
          if (res.done % sampleEvery === 0) res.samples.push({ calls: res.done, rssMiB: procMiB(child.pid, "VmRSS") });
        } finally {
          // A delayed write lands after the call gave up: the resource stays locked until the fake applied it.
          const wait = releaseAt - performance.now();
          if (wait > 0) lingering.push(sleep(wait).then(() => locks.release(keys, alone)));
          else locks.release(keys, alone);
        }
      }
    };
    await Promise.all(Array.from({ length: WINDOW }, worker));
    res.elapsedMs = performance.now() - t0;
    res.stoppedByBudget = res.done < total && exit === "";
    await Promise.all(lingering);

    res.end = procMiB(child.pid, "VmRSS");
    res.hwm = procMiB(child.pid, "VmHWM");
    res.alive = exit === "";
    try {
      const list = await child.request("tools/list", {}, ANSWER_BOUND_MS);
      res.toolsListAnswered = !list.error && Array.isArray(list.result?.tools) && list.result.tools.length > 0;
    } catch {
      res.toolsListAnswered = false;
    }
    // Beyond the start-up line ("coder-tasks-mcp 0.1.0: Coder ... at ... as alice"); the client keeps the last 4 000 chars.
    res.stderrLines = child.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("coder-tasks-mcp "));

    // Ledgers: what the fake holds against what the calls answered.
    const sl = res.sendLedger;
    for (const [task, made] of sends) {
      const got = fake.sentInputs(task);
      const counts = new Map<string, number>();
      for (const input of got) counts.set(input, (counts.get(input) ?? 0) + 1);
      let okOrUncertain = 0;
      for (const [input, outcome] of made) {
        sl.sent += 1;
        const n = counts.get(input) ?? 0;
        if (outcome === "ok") sl.ok += 1;
        else if (outcome === "uncertain") sl.uncertain += 1;
        else sl.definite += 1;
        if (outcome === "ok" || outcome === "uncertain") okOrUncertain += 1;
        if (n > 1) sl.problems.push(`${task}: "${input}" delivered ${n} times`);
        if (outcome === "ok" && n === 0) sl.problems.push(`${task}: "${input}" answered sent, never delivered`);
        if (outcome !== "ok" && outcome !== "uncertain" && n > 0)
          sl.problems.push(`${task}: "${input}" delivered, though the call answered a definite failure (${outcome})`);
      }
      sl.delivered += got.length;
      for (const input of counts.keys())
        if (!made.has(input)) sl.problems.push(`${task}: "${input}" delivered, never sent by a call`);
      if (got.length > okOrUncertain)
        sl.problems.push(`${task}: ${got.length} inputs delivered for ${okOrUncertain} sends that may have`);
    }
    const cl = res.createLedger;
    for (const [name, outcome] of creates) {
      const exists = fake.getTask(name) !== undefined;
      if (outcome === "ok") cl.ok += 1;
      else if (outcome === "uncertain") cl.uncertain += 1;
      else cl.definite += 1;
      if (exists) cl.created += 1;
      if (outcome === "ok" && !exists) cl.problems.push(`${name}: answered created, not in the fake`);
      if (outcome !== "ok" && outcome !== "uncertain" && exists)
        cl.problems.push(`${name}: created, though the call answered a definite failure (${outcome})`);
    }
  } finally {
    await child.close();
    await fake.close();
    res.exit = exit;
  }
  return res;
}

const trend = (r: PassResult) =>
  r.samples
    .filter((_, i) => i % Math.max(1, Math.floor(r.samples.length / 6)) === 0 || i === r.samples.length - 1)
    .map((s) => `${s.calls}: ${s.rssMiB.toFixed(0)}`)
    .join(", ");

const FAULT_LABEL: Record<FaultKind | "none", string> = {
  none: "no fault",
  reset: "reset",
  "500": "500 JSON",
  html502: "502 HTML",
  "503": "503 text",
  "429": "429 Retry-After: 0",
  truncated: "cut JSON body",
  delay: `delay ${DELAY_MS / 1000} s`,
};

function matrixNotes(r: PassResult): string[] {
  const fmt = (o: Record<Outcome, number>) =>
    (Object.entries(o) as Array<[Outcome, number]>)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ");
  return (["read", "write"] as const).map(
    (side) =>
      `${side}s by fault: ${(["none", ...FAULT_KINDS] as const)
        .map((f) => [f, r.matrix[`${side}:${f}`]] as const)
        .filter(([, o]) => o !== undefined)
        .map(([f, o]) => `${FAULT_LABEL[f]} -> ${fmt(o as Record<Outcome, number>)}`)
        .join("; ")}`,
  );
}

export async function soak(
  total: number,
  budgetMs: number,
  cappedTotal: number,
  cappedBudgetMs: number,
): Promise<Section> {
  const main = await pass("main", total, budgetMs, []);
  const capped = await pass("capped", cappedTotal, cappedBudgetMs, [`--max-old-space-size=${CAPPED_OLD_SPACE_MIB}`]);
  const both = [main, capped];
  const sum = (f: (r: PassResult) => number) => both.reduce((n, r) => n + f(r), 0);

  const crashes = sum((r) => (r.alive && r.toolsListAnswered ? 0 : 1));
  const unanswered = sum((r) => r.outcomes.unanswered);
  const duplicates = sum((r) => r.duplicateWrites);
  const missing = sum((r) => r.missingWrites);
  const ledger = sum((r) => r.sendLedger.problems.length + r.createLedger.problems.length);
  const unexpected = sum((r) => r.unexpectedCount);
  const growth = main.end - main.atFirst;
  // The capped heap fills up first; a leak shows as growth after that, so measure from a quarter of the run.
  const quarter = capped.samples.find((s) => s.calls >= capped.done / 4) ?? { calls: 0, rssMiB: capped.idle };
  const cappedGrowth = capped.end - quarter.rssMiB;
  const sl = main.sendLedger;
  const cl = main.createLedger;

  const firstUnexpected = both.flatMap((r) =>
    r.unexpected
      .slice(0, 4)
      .map(
        (u) =>
          `unexpected (${r.label} pass) call ${u.call} ${u.tool}, fault ${FAULT_LABEL[u.fault]}: ${u.outcome}${u.text ? `: ${u.text.replace(/\s+/g, " ")}` : ""}`,
      ),
  );
  const kinds = (r: PassResult) => {
    const m = new Map<string, number>();
    for (const u of r.unexpected) {
      const k = `${u.tool} / ${FAULT_LABEL[u.fault]} -> ${u.outcome}`;
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    return [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([k, n]) => `${k}: ${n}`)
      .join("; ");
  };

  return {
    key: "soak",
    title: `7. Soak: ${main.done} mixed calls on one server, ${FAULT_RATE * 100} % with an injected fault, ${WINDOW} in flight, time-out ${TIMEOUT_SECONDS} s`,
    rows: [
      row("calls run (main pass)", "calls", main.done),
      row("wall time (main pass)", "ms", main.elapsedMs),
      row("calls per second", "", (main.done / main.elapsedMs) * 1000),
      row("faults injected (main pass)", "calls", main.faults),
      row("crashes: server exited, or a final tools/list unanswered (both passes)", "", crashes, "0", crashes === 0),
      row(
        `calls without a JSON-RPC answer within ${ANSWER_BOUND_MS / 1000} s (both passes)`,
        "calls",
        unanswered,
        "0",
        unanswered === 0,
      ),
      row("results (main pass)", "calls", main.outcomes.ok),
      row("isError results (main pass)", "calls", main.outcomes.isError + main.outcomes.uncertain),
      row('  of which "may have reached Coder"', "calls", main.outcomes.uncertain),
      row("JSON-RPC errors (main pass)", "calls", main.outcomes.rpcError),
      row(
        "duplicated writes: > 1 POST/PATCH at the fake for one call (both passes)",
        "calls",
        duplicates,
        "0",
        duplicates === 0,
      ),
      row("write calls whose POST/PATCH never reached the fake (both passes)", "calls", missing, "0", missing === 0),
      row(
        "send/create ledger mismatches: inputs or tasks beyond what calls answered (both passes)",
        "",
        ledger,
        "0",
        ledger === 0,
      ),
      row("outcomes other than README Reliability promises (both passes)", "calls", unexpected, "0", unexpected === 0),
      row("call time, no fault", "ms", summarize(main.timesPlain)),
      row("call time, with a fault", "ms", summarize(main.timesFaulted)),
      row("RSS idle (after warm-up)", "MiB", main.idle),
      row(`RSS after ${main.firstAt} calls`, "MiB", main.atFirst),
      row(`RSS after ${main.done} calls`, "MiB", main.end),
      row(`growth ${main.firstAt} -> ${main.done} calls`, "MiB", growth),
      row("peak RSS (VmHWM)", "MiB", main.hwm),
      row(
        `leak check, old space capped at ${CAPPED_OLD_SPACE_MIB} MiB: growth ${quarter.calls} -> ${capped.done} calls`,
        "MiB",
        cappedGrowth,
        "< 10 MiB",
        cappedGrowth < 10,
      ),
      row(`leak check: RSS after ${capped.done} calls (VmHWM ${capped.hwm.toFixed(0)})`, "MiB", capped.end),
    ],
    notes: [
      ...matrixNotes(main),
      `sends: ${sl.sent} (ok ${sl.ok}, may have reached ${sl.uncertain}, definite failure ${sl.definite}); inputs the fake received: ${sl.delivered}`,
      `creates: ${cl.ok + cl.uncertain + cl.definite} (ok ${cl.ok}, may have reached ${cl.uncertain}, definite failure ${cl.definite}); tasks the fake holds: ${cl.created}`,
      `faults not taken by their call (drained): ${main.faultsUnconsumed + capped.faultsUnconsumed}`,
      `RSS (MiB) by calls done: ${trend(main)}`,
      `capped (--max-old-space-size=${CAPPED_OLD_SPACE_MIB}, ${capped.done} calls): ${trend(capped)}; flat = garbage V8 had not collected yet, not a leak`,
      `workers idle, every waiting call's resources busy: ${(main.idleMs / 1000).toFixed(1)} s of ${((WINDOW * main.elapsedMs) / 1000).toFixed(0)} s`,
      `server stderr besides the start-up line: ${main.stderrLines.length} lines${main.stderrLines[0] ? `, first: ${main.stderrLines[0].slice(0, 160)}` : ""}`,
      ...both
        .filter((r) => r.stoppedByBudget)
        .map((r) => `${r.label} pass stopped at ${r.done} of ${r.requested} calls: time budget reached`),
      ...both.filter((r) => !r.alive).map((r) => `${r.label} pass: the server exited (${r.exit})`),
      ...both.flatMap((r) => r.duplicateDetail.slice(0, 3)),
      ...both.flatMap((r) => [...r.sendLedger.problems, ...r.createLedger.problems].slice(0, 3)),
      ...both.filter((r) => r.unexpected.length > 0).map((r) => `unexpected outcomes (${r.label} pass): ${kinds(r)}`),
      ...firstUnexpected,
    ],
    data: {
      seed: SEED,
      faultRate: FAULT_RATE,
      inFlight: WINDOW,
      timeoutSeconds: TIMEOUT_SECONDS,
      passes: Object.fromEntries(
        both.map((r) => [
          r.label,
          {
            requested: r.requested,
            done: r.done,
            elapsedMs: r.elapsedMs,
            faults: r.faults,
            faultsUnconsumed: r.faultsUnconsumed,
            outcomes: r.outcomes,
            matrix: r.matrix,
            duplicateWrites: r.duplicateWrites,
            missingWrites: r.missingWrites,
            sendLedger: { ...r.sendLedger, problems: r.sendLedger.problems.slice(0, 20) },
            createLedger: { ...r.createLedger, problems: r.createLedger.problems.slice(0, 20) },
            unexpectedCount: r.unexpectedCount,
            idleMs: r.idleMs,
            memory: {
              idle: r.idle,
              firstAt: r.firstAt,
              atFirst: r.atFirst,
              end: r.end,
              hwm: r.hwm,
              samples: r.samples,
            },
            alive: r.alive,
            toolsListAnswered: r.toolsListAnswered,
            unexpected: r.unexpected.slice(0, 50),
          },
        ]),
      ),
    },
  };
}
