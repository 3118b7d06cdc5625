// 3. Concurrency: a burst of tool calls written at once on one stdio connection, each round on a fresh fake and a
// fresh server, so that fake.connections counts only what this burst (and start-up) opened.
import { row, type Section } from "../report.js";
import { ours } from "../servers.js";
import { summarize } from "../stats.js";
import { failed, RpcChild } from "../stdio-client.js";
import { fakeWithTasks } from "../world.js";

const TASKS = 4;

function mixed(i: number): [string, Record<string, unknown>] {
  const task_id = `bench-task-${i % TASKS}`;
  if (i % 3 === 0) return ["coder_get_task", { task_id }];
  if (i % 3 === 1) return ["coder_list_tasks", {}];
  return ["coder_get_task_logs", { task_id, limit: 10 }];
}

export async function concurrency(inFlight: number, rounds: number): Promise<Section> {
  const wall: number[] = [];
  const connections: number[] = [];
  const errors: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const fake = await fakeWithTasks(TASKS);
    const child = new RpcChild(ours(fake));
    try {
      await child.handshake();
      const t = performance.now();
      const settled = await Promise.allSettled(
        Array.from({ length: inFlight }, (_, i) => child.callTool(...mixed(i), 60_000)),
      );
      wall.push(performance.now() - t);
      for (const s of settled) {
        const why = s.status === "rejected" ? String(s.reason) : failed(s.value);
        if (why) errors.push(why);
      }
      connections.push(fake.connections);
    } finally {
      await child.close();
      await fake.close();
    }
  }
  const maxConn = Math.max(...connections);
  return {
    key: "concurrency",
    title: `3. Concurrency: ${inFlight} calls in flight on one stdio connection (get_task/list_tasks/get_task_logs), ${rounds} rounds`,
    rows: [
      row("wall time for the burst", "ms", summarize(wall)),
      row("per call (wall / calls)", "ms", summarize(wall.map((w) => w / inFlight))),
      row("errors (all rounds)", "calls", errors.length, "0", errors.length === 0),
      row("TCP connections the fake saw (max over rounds)", "conns", maxConn, "<= 16", maxConn <= 16),
    ],
    notes: [
      `connections per round: ${connections.join(", ")} (includes start-up's buildinfo and users/me)`,
      ...errors.slice(0, 3).map((e) => `error: ${e}`),
    ],
    data: { connections, errors: errors.slice(0, 20) },
  };
}
