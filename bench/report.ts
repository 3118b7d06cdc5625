// What a section hands back, the table printed from it, and results.json. A row holds either a distribution
// (median and p95 over repeated runs) or a single value; a row with a target is marked met or missed.
import { cpus, totalmem } from "node:os";
import type { Summary } from "./stats.js";

export interface Row {
  label: string;
  unit: "ms" | "µs" | "MiB" | "B" | "x" | "" | "chars" | "calls" | "conns";
  summary?: Summary;
  value?: number;
  /** e.g. "< 1 ms"; shown beside the figure. */
  target?: string;
  met?: boolean;
}

export interface Section {
  key: string;
  title: string;
  rows: Row[];
  notes: string[];
  /** Anything else worth keeping in results.json (raw counts, per-tool sizes). */
  data?: Record<string, unknown>;
}

const decimals = (unit: Row["unit"]) => (unit === "ms" ? 2 : unit === "MiB" || unit === "µs" ? 1 : 0);

function fmt(n: number | undefined, unit: Row["unit"]): string {
  if (n === undefined) return "";
  if (Number.isNaN(n)) return "n/a";
  const d = unit === "x" ? 2 : decimals(unit);
  return n.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
}

export function row(label: string, unit: Row["unit"], v: Summary | number, target?: string, met?: boolean): Row {
  const base = typeof v === "number" ? { label, unit, value: v } : { label, unit, summary: v };
  // A row without a target has no verdict, whatever `met` says.
  return target === undefined ? base : { ...base, target, met };
}

export function printSection(s: Section): void {
  const lines = s.rows.map((r) => [
    r.label,
    fmt(r.summary?.median ?? r.value, r.unit),
    r.summary ? fmt(r.summary.p95, r.unit) : "",
    r.unit,
    r.target ?? "",
    r.met === undefined ? "" : r.met ? "met" : "MISSED",
  ]);
  const head = ["figure", "median", "p95", "unit", "target", ""];
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const render = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  console.log(`\n== ${s.title}`);
  console.log(render(head));
  console.log(render(widths.map((w) => "-".repeat(w))));
  for (const l of lines) console.log(render(l));
  for (const n of s.notes) console.log(`  * ${n}`);
}

export function printTargets(sections: Section[]): void {
  const all = sections.flatMap((s) => s.rows.filter((r) => r.met !== undefined).map((r) => ({ s, r })));
  const missed = all.filter(({ r }) => !r.met);
  console.log(`\n== Targets: ${all.length - missed.length} of ${all.length} met`);
  for (const { s, r } of missed) console.log(`  MISSED  [${s.key}] ${r.label}: ${r.target}`);
}

export function machine(): Record<string, unknown> {
  const c = cpus();
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: c.length,
    cpuModel: c[0]?.model ?? "unknown",
    totalMemMiB: Math.round(totalmem() / 2 ** 20),
    date: new Date().toISOString(),
  };
}

export function resultsJson(
  machineInfo: Record<string, unknown>,
  settings: Record<string, unknown>,
  sections: Section[],
  failures: string[],
): unknown {
  return {
    machine: machineInfo,
    settings,
    failures,
    sections: Object.fromEntries(
      sections.map((s) => [
        s.key,
        {
          title: s.title,
          figures: s.rows.map((r) => ({
            label: r.label,
            unit: r.unit,
            ...(r.summary ?? { value: r.value }),
            ...(r.target === undefined ? {} : { target: r.target, met: r.met }),
          })),
          notes: s.notes,
          ...(s.data ?? {}),
        },
      ]),
    ),
  };
}
