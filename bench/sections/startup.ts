// 1. Start-up: spawn -> initialize answered, for this server and three baselines. One process at a time, each
// awaited to exit before the next, and the order rotated every round so that drift and order hit all four alike.
import { procMiB } from "../proc.js";
import { type Row, row, type Section } from "../report.js";
import { bareNode, minimal, ours, peer } from "../servers.js";
import { median, summarize } from "../stats.js";
import { RpcChild, type SpawnSpec } from "../stdio-client.js";
import { fakeWithTasks } from "../world.js";

type Kind = "ours" | "minimal" | "bare" | "peer";

interface Sample {
  initMs: number;
  toolsMs?: number;
  rssMiB?: number;
}

async function measure(spec: SpawnSpec, alsoToolsList: boolean): Promise<Sample> {
  const t0 = performance.now();
  const child = new RpcChild(spec);
  try {
    const init = await child.initialize();
    const initMs = performance.now() - t0;
    if (init.error) throw new Error(`${spec.label}: initialize failed: ${init.error.message}`);
    if (!alsoToolsList) return { initMs };
    child.notify("notifications/initialized");
    const tools = await child.request("tools/list");
    const toolsMs = performance.now() - t0;
    if (tools.error) throw new Error(`${spec.label}: tools/list failed: ${tools.error.message}`);
    return { initMs, toolsMs, rssMiB: procMiB(child.pid, "VmRSS") };
  } finally {
    await child.close();
  }
}

export async function startup(runs: number): Promise<Section> {
  const fake = await fakeWithTasks(1);
  const p = peer();
  const specs: Record<Kind, SpawnSpec> = { ours: ours(fake), minimal: minimal(), bare: bareNode(), peer: p };
  const kinds: Kind[] = ["ours", "minimal", "bare", "peer"];
  const samples: Record<Kind, Sample[]> = { ours: [], minimal: [], bare: [], peer: [] };
  try {
    // One unmeasured round: loads the files into the page cache, as on any machine after the first start.
    for (const k of kinds) await measure(specs[k], k === "ours");
    for (let round = 0; round < runs; round++) {
      const order = kinds.map((_, i) => kinds[(i + round) % kinds.length] as Kind);
      for (const k of order) samples[k].push(await measure(specs[k], k === "ours"));
    }
  } finally {
    await fake.close();
  }

  const init = (k: Kind) => samples[k].map((s) => s.initMs);
  const a = summarize(init("ours"));
  const b = summarize(init("minimal"));
  const d = summarize(init("peer"));
  // Per-round ratios: both sides measured moments apart, so slow phases of a noisy machine cancel out.
  const perRound = (other: Kind) => samples.ours.map((s, i) => s.initMs / (samples[other][i]?.initMs ?? Number.NaN));
  const rss = summarize(samples.ours.map((s) => s.rssMiB ?? Number.NaN));
  const rows: Row[] = [
    row("(a) coder-tasks-mcp: initialize", "ms", a),
    row("(b) minimal SDK server: initialize", "ms", b),
    row("(c) bare node: initialize", "ms", summarize(init("bare"))),
    row(`(d) peer ${p.label}: initialize`, "ms", d),
    row("(a) coder-tasks-mcp: tools/list answered", "ms", summarize(samples.ours.map((s) => s.toolsMs ?? Number.NaN))),
    row("(a) RSS at tools/list (idle)", "MiB", rss, "< 80 MiB", rss.median < 80),
    row("a/b (ratio of medians)", "x", a.median / b.median, "<= 1.3x", a.median / b.median <= 1.3),
    row("a/b per round", "x", summarize(perRound("minimal"))),
    row("a/d (ratio of medians)", "x", a.median / d.median, "< 1x (ahead of d)", a.median < d.median),
    row("a/d per round", "x", summarize(perRound("peer"))),
  ];
  return {
    key: "startup",
    title: `1. Start-up: spawn -> initialize answered (${runs} rounds, order rotated per round)`,
    rows,
    notes: [
      `peer (d): ${p.label}, run as node ${p.args.join(" ").replace(/^.*node_modules\//, "node_modules/")}`,
      `(a) minus (b), median: ${(a.median - b.median).toFixed(1)} ms; (b) minus (c): ${(b.median - median(init("bare"))).toFixed(1)} ms`,
    ],
    data: { peer: p.label, samples },
  };
}
