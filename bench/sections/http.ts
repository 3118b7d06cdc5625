// 8. Streamable HTTP: server CPU per call at 1, 8 and 32 sessions against stdio with 8 calls in flight, in the same
// run on the same fake (rounds alternate, so both see the same machine noise); RSS per idle session; and the session
// cap holding while 5 000 sessions are attempted.

import { cpuMs, HttpMcp, startHttpChild } from "../http-child.js";
import { procMiB } from "../proc.js";
import { row, type Section } from "../report.js";
import { ours } from "../servers.js";
import { median, summarize } from "../stats.js";
import { failed, RpcChild } from "../stdio-client.js";
import { fakeWithTasks } from "../world.js";

const TASKS = 4;
const IN_FLIGHT = 8;
const IDLE_SESSIONS = 1000;
const ATTEMPTED = 5000;
const CAP = 300;
const OLD_SPACE_MIB = 128;

const args = (i: number) => ({ task_id: `bench-task-${i % TASKS}` });

/** `calls` calls by `workers` loops at once; the server's CPU per call (ms) and the calls per second. */
async function measure(pid: number, calls: number, workers: number, one: (i: number) => Promise<void>) {
  let next = 0;
  const cpu = cpuMs(pid);
  const t = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < calls) await one(next++);
    }),
  );
  const wall = performance.now() - t;
  return { cpuPerCall: (cpuMs(pid) - cpu) / calls, perSecond: (calls / wall) * 1000 };
}

export async function http(calls: number, rounds: number): Promise<Section> {
  const fake = await fakeWithTasks(TASKS);
  const stdio = new RpcChild(ours(fake));
  const server = await startHttpChild(ours(fake));
  const client = new HttpMcp(server.origin, 32);
  const notes: string[] = [];
  try {
    await stdio.handshake();
    const stdioCall = async (i: number) => {
      const why = failed(await stdio.callTool("coder_get_task", args(i)));
      if (why) throw new Error(`stdio coder_get_task: ${why}`);
    };
    const sessions = new Map<number, string[]>();
    for (const n of [1, 8, 32]) {
      const ids: string[] = [];
      for (let s = 0; s < n; s++) ids.push(String((await client.session()).id));
      sessions.set(n, ids);
    }
    const httpCall = (ids: string[]) => (i: number) => client.call(ids[i % ids.length], "coder_get_task", args(i));
    // Warm up both until the JIT has settled (the first thousands of calls cost two to three times the later ones).
    await measure(stdio.pid, 3000, IN_FLIGHT, stdioCall);
    for (const ids of sessions.values()) await measure(server.pid, 3000, ids.length, httpCall(ids));

    const cpu = new Map<string, number[]>();
    const rate = new Map<string, number[]>();
    const add = (key: string, m: { cpuPerCall: number; perSecond: number }) => {
      cpu.set(key, [...(cpu.get(key) ?? []), m.cpuPerCall]);
      rate.set(key, [...(rate.get(key) ?? []), m.perSecond]);
    };
    const ratios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const base = await measure(stdio.pid, calls, IN_FLIGHT, stdioCall);
      add("stdio", base);
      for (const [n, ids] of sessions) {
        const m = await measure(server.pid, calls, n, httpCall(ids));
        add(`http ${n}`, m);
        if (n === IN_FLIGHT) ratios.push(m.cpuPerCall / base.cpuPerCall);
      }
    }
    const rows = [row("stdio, 8 calls in flight: server CPU per call", "µs", summarize(ms2us(cpu.get("stdio"))))];
    for (const n of sessions.keys()) {
      rows.push(row(`HTTP, ${n} session(s): server CPU per call`, "µs", summarize(ms2us(cpu.get(`http ${n}`)))));
      rows.push(row(`HTTP, ${n} session(s): calls per second`, "calls", median(rate.get(`http ${n}`) ?? [])));
    }
    const ratio = summarize(ratios);
    rows.push(row("HTTP at 8 sessions / stdio, CPU per call", "x", ratio, "<= 1.5x", ratio.median <= 1.5));
    await client.close();

    rows.push(...(await idleSessions(fake)));
    rows.push(...(await cap(fake)));
    notes.push(
      `${calls} coder_get_task calls per figure and round, ${rounds} rounds; CPU is user + system time of the server process from /proc (10 ms ticks)`,
      `RSS per idle session: ${IDLE_SESSIONS} sessions opened (initialize + initialized) and left idle`,
      `cap: twice ${ATTEMPTED} sessions attempted (32 at a time) on a server with the default --max-sessions ${CAP}; open = sessions that still answer a ping`,
    );
    return {
      key: "http",
      title: "8. Streamable HTTP (--http): CPU per call against stdio, sessions, the cap",
      rows,
      notes,
    };
  } finally {
    await client.close().catch(() => {});
    await server.close();
    await stdio.close();
    await fake.close();
  }
}

function ms2us(xs: number[] | undefined): number[] {
  return (xs ?? []).map((x) => x * 1000);
}

async function idleSessions(fake: Awaited<ReturnType<typeof fakeWithTasks>>) {
  const server = await startHttpChild(ours(fake), ["--max-sessions", String(IDLE_SESSIONS + 10)]);
  const client = new HttpMcp(server.origin, 16);
  try {
    const one = await client.session();
    for (let i = 0; i < 200; i++) await client.call(one.id, "coder_get_task", args(i));
    const before = procMiB(server.pid, "VmRSS");
    for (let i = 0; i < IDLE_SESSIONS; i += 16) await Promise.all(Array.from({ length: 16 }, () => client.session()));
    const after = procMiB(server.pid, "VmRSS");
    const perSession = ((after - before) * 1024 * 1024) / IDLE_SESSIONS;
    return [
      row(`RSS before ${IDLE_SESSIONS} idle sessions`, "MiB", before),
      row(`RSS with ${IDLE_SESSIONS} idle sessions`, "MiB", after),
      row("RSS per idle session", "B", perSession),
    ];
  } finally {
    await client.close();
    await server.close();
  }
}

async function cap(fake: Awaited<ReturnType<typeof fakeWithTasks>>) {
  // The old space capped well below what 10 000 sessions would take (about 1.1 GiB): a session the cap failed to
  // free would end the server.
  const server = await startHttpChild(ours(fake, {}, [`--max-old-space-size=${OLD_SPACE_MIB}`]));
  const client = new HttpMcp(server.origin, 32);
  try {
    const before = procMiB(server.pid, "VmRSS");
    const ids: string[] = [];
    let refused = 0;
    const attempt = async () => {
      for (let i = 0; i < ATTEMPTED; i += 32) {
        for (const s of await Promise.all(Array.from({ length: 32 }, () => client.session()))) {
          if (s.id) ids.push(s.id);
          else refused++;
        }
      }
    };
    await attempt();
    const first = procMiB(server.pid, "VmRSS");
    await attempt();
    const second = procMiB(server.pid, "VmRSS");
    let open = 0;
    for (const id of ids) if ((await client.ping(id)) === 200) open++;
    return [
      row(`sessions open after ${2 * ATTEMPTED} attempted`, "", open, `<= ${CAP}`, open <= CAP),
      row("initialize refused (503: every session busy)", "calls", refused, "0", refused === 0),
      row("RSS before the attempts", "MiB", before),
      row(`RSS after ${ATTEMPTED} attempted`, "MiB", first),
      row(
        `RSS after ${2 * ATTEMPTED} attempted (old space capped at ${OLD_SPACE_MIB} MiB)`,
        "MiB",
        second,
        "< 250 MiB",
        second < 250,
      ),
    ];
  } finally {
    await client.close();
    await server.close();
  }
}
