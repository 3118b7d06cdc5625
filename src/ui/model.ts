// What the board shows, read from the tools' structured results. A tolerant reader: a status or state it has never
// seen is shown as Coder wrote it; a result of another shape is ignored rather than breaking the board.

export interface TaskRow {
  id: string;
  owner: string;
  name: string;
  display_name?: string;
  status: string;
  state: string | null;
  message: string | null;
  created_at: string;
  updated_at: string;
}

export interface LogEntry {
  id: number;
  type: string;
  time: string;
  content: string;
  cut_chars?: number;
}

export interface LogPage {
  task_id: string;
  entries: LogEntry[];
  older: number;
  snapshot: boolean;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const strOrNull = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

/** A row from coder_list_tasks' summary shape or coder_get_task's full task. */
export function toRow(v: unknown): TaskRow | undefined {
  if (!isObject(v) || typeof v.id !== "string") return undefined;
  const full = "owner_name" in v;
  const current = isObject(v.current_state) ? v.current_state : undefined;
  return {
    id: v.id,
    owner: str(full ? v.owner_name : v.owner),
    name: str(v.name),
    ...(str(v.display_name) ? { display_name: str(v.display_name) } : {}),
    status: str(v.status) || "unknown",
    state: full ? strOrNull(current?.state) : strOrNull(v.state),
    message: full ? strOrNull(current?.message) : strOrNull(v.message),
    created_at: str(v.created_at),
    updated_at: str(v.updated_at),
  };
}

/** The tasks a result holds: a list, one task, or the task of a pause, resume or send. */
export function rowsOf(structured: unknown): TaskRow[] {
  if (!isObject(structured)) return [];
  if (Array.isArray(structured.tasks)) return structured.tasks.map(toRow).filter((r) => r !== undefined);
  const one = toRow(isObject(structured.task) ? structured.task : structured);
  return one ? [one] : [];
}

export function logPageOf(structured: unknown): LogPage | undefined {
  if (!isObject(structured) || !Array.isArray(structured.entries)) return undefined;
  const entries = structured.entries
    .filter(isObject)
    .filter((e) => typeof e.id === "number")
    .map((e) => ({
      id: e.id as number,
      type: str(e.type),
      time: str(e.time),
      content: str(e.content),
      ...(typeof e.cut_chars === "number" ? { cut_chars: e.cut_chars } : {}),
    }));
  return {
    task_id: str(structured.task_id),
    entries,
    older: typeof structured.older === "number" ? structured.older : 0,
    snapshot: structured.snapshot === true,
  };
}

/** Rows whose words contain every word of the filter. */
export function matches(row: TaskRow, filter: string): boolean {
  const hay = [row.owner, row.name, row.display_name, row.status, row.state, row.message]
    .filter(Boolean)
    .join(" ")
    .toLowerCase();
  return filter
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => hay.includes(word));
}

/** A time as "3 min ago", in the host's locale. */
export function ago(iso: string, now: number, locale?: string): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const seconds = Math.round((then - now) / 1000);
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto", style: "short" });
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ["day", 86_400],
    ["hour", 3600],
    ["minute", 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(seconds, "second");
}

/** Text split into plain runs and http(s) links, for a view that opens links only through the host. */
export function splitLinks(text: string): Array<{ text: string; url?: string }> {
  const parts: Array<{ text: string; url?: string }> = [];
  let last = 0;
  for (const m of text.matchAll(/https?:\/\/[^\s<>"'`)\]]+/g)) {
    const start = m.index ?? 0;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: m[0], url: m[0] });
    last = start + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
