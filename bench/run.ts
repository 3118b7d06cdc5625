// The benchmark suite: runs each section, prints a table per section, writes bench/results.json. Run after
// `npm run build` (it spawns dist/index.js): node --import tsx bench/run.ts
// Knobs (env): BENCH_RUNS (start-up rounds, 20), BENCH_CALLS (per-call, 2000), BENCH_INFLIGHT (256),
// BENCH_MEMORY_CALLS (20000), BENCH_LOG_RUNS (10), BENCH_SOAK_CALLS (20000), BENCH_HTTP_CALLS (3000),
// BENCH_HTTP_ROUNDS (5), BENCH_ONLY (e.g. "startup,context").
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { machine, printSection, printTargets, resultsJson, type Section } from "./report.js";
import { concurrency } from "./sections/concurrency.js";
import { context } from "./sections/context.js";
import { http } from "./sections/http.js";
import { largeLogs } from "./sections/large-logs.js";
import { memory } from "./sections/memory.js";
import { perCall } from "./sections/per-call.js";
import { soak } from "./sections/soak.js";
import { startup } from "./sections/startup.js";
import { ROOT } from "./servers.js";
import { closeAll, killAllSync } from "./stdio-client.js";

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
};

const settings = {
  startupRuns: num("BENCH_RUNS", 20),
  perCallCalls: num("BENCH_CALLS", 2000),
  inFlight: num("BENCH_INFLIGHT", 256),
  concurrencyRounds: num("BENCH_CONCURRENCY_ROUNDS", 5),
  memoryCalls: num("BENCH_MEMORY_CALLS", 20_000),
  logEntries: 10_000,
  contextTasks: 20,
  soakCalls: num("BENCH_SOAK_CALLS", 20_000),
  httpCalls: num("BENCH_HTTP_CALLS", 3000),
  httpRounds: num("BENCH_HTTP_ROUNDS", 5),
  // Every loop is bounded in time as well as count; the whole run is bounded by the watchdog below.
  perCallBudgetMs: 90_000,
  memoryBudgetMs: 60_000,
  soakBudgetMs: 90_000,
  soakCappedBudgetMs: 25_000,
  maxRunSeconds: num("BENCH_MAX_SECONDS", 600),
};

const SECTIONS: Array<[string, () => Promise<Section>]> = [
  ["startup", () => startup(settings.startupRuns)],
  ["perCall", () => perCall(settings.perCallCalls, settings.perCallBudgetMs)],
  ["concurrency", () => concurrency(settings.inFlight, settings.concurrencyRounds)],
  ["memory", () => memory(settings.memoryCalls, settings.memoryBudgetMs)],
  ["largeLogs", () => largeLogs(settings.logEntries)],
  ["context", () => context(settings.contextTasks)],
  [
    "soak",
    () =>
      soak(settings.soakCalls, settings.soakBudgetMs, Math.ceil(settings.soakCalls / 4), settings.soakCappedBudgetMs),
  ],
  ["http", () => http(settings.httpCalls, settings.httpRounds)],
];

// Children must not outlive the bench, whatever ends it.
process.on("exit", killAllSync);
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    killAllSync();
    process.exit(130);
  });
}
const watchdog = setTimeout(() => {
  console.error(`bench: over ${settings.maxRunSeconds} s, giving up`);
  killAllSync();
  process.exit(2);
}, settings.maxRunSeconds * 1000);
watchdog.unref();

async function main(): Promise<number> {
  if (!existsSync(join(ROOT, "dist", "index.js"))) {
    console.error("bench: dist/index.js is missing: run `npm run build` first");
    return 1;
  }
  const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());
  const m = machine();
  console.log(`coder-tasks-mcp bench: node ${m.node}, ${m.cpus} x ${m.cpuModel}, ${m.date}`);
  console.log(
    "figures: median and p95 over repeated runs (a row without p95 is one measurement); ratios from this run",
  );

  const sections: Section[] = [];
  const failures: string[] = [];
  const started = performance.now();
  try {
    for (const [key, run] of SECTIONS) {
      if (only && !only.includes(key)) continue;
      const t = performance.now();
      try {
        const s = await run();
        sections.push(s);
        printSection(s);
      } catch (err) {
        const message = `${key}: ${err instanceof Error ? err.message : String(err)}`;
        failures.push(message);
        console.log(`\n== ${key}: FAILED: ${message}`);
      } finally {
        await closeAll(); // a failed section may leave a child behind
      }
      console.log(`  (${key} took ${((performance.now() - t) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await closeAll();
  }
  printTargets(sections);
  const out = join(ROOT, "bench", "results.json");
  writeFileSync(out, `${JSON.stringify(resultsJson(m, settings, sections, failures), null, 2)}\n`);
  console.log(`\nwrote ${out} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return failures.length > 0 ? 1 : 0;
}

process.exitCode = await main();
