// A window on a task's log that fits a model's context: whole entries, newest last, each cut to a maximum length,
// the total within a character budget, and counts of what was left out so that the caller can page by entry id.
import type { TaskLogEntry } from "../coder/schemas.js";

export interface WindowOptions {
  /** Entries at most. */
  limit: number;
  /** Only entries older than this id (page backwards). */
  beforeId?: number;
  /** Only entries newer than this id (page forwards: the oldest of them come first). */
  afterId?: number;
  type?: "input" | "output";
  /** Characters of content in all, at most (at least one entry is always returned). */
  maxChars: number;
  /** Characters of content per entry, at most. */
  maxEntryChars: number;
}

export interface WindowEntry {
  id: number;
  type: "input" | "output";
  time: string;
  content: string;
  /** Characters cut out of the middle of this entry. */
  cut_chars?: number;
}

export interface LogWindow {
  entries: WindowEntry[];
  /** Entries of the requested type in the whole log. */
  total: number;
  /** Of those, how many are older than the first returned, and newer than the last. */
  older: number;
  newer: number;
}

export function logWindow(logs: readonly TaskLogEntry[], options: WindowOptions): LogWindow {
  const matching = options.type ? logs.filter((e) => e.type === options.type) : logs;
  const inRange = matching.filter(
    (e) =>
      (options.beforeId === undefined || e.id < options.beforeId) &&
      (options.afterId === undefined || e.id > options.afterId),
  );
  const forwards = options.afterId !== undefined && options.beforeId === undefined;
  const ordered = forwards ? inRange : [...inRange].reverse();

  const picked: WindowEntry[] = [];
  let used = 0;
  for (const entry of ordered) {
    if (picked.length >= options.limit) break;
    const windowed = cut(entry, options.maxEntryChars);
    if (picked.length > 0 && used + windowed.content.length > options.maxChars) break;
    used += windowed.content.length;
    picked.push(windowed);
  }
  const entries = forwards ? picked : picked.reverse();
  const firstId = entries[0]?.id;
  const lastId = entries.at(-1)?.id;
  return {
    entries,
    total: matching.length,
    older: firstId === undefined ? 0 : matching.filter((e) => e.id < firstId).length,
    newer: lastId === undefined ? 0 : matching.filter((e) => e.id > lastId).length,
  };
}

/** Keeps the head and the (usually more telling) tail of a long entry, with a marker where text was cut. */
function cut(entry: TaskLogEntry, max: number): WindowEntry {
  const base = { id: entry.id, type: entry.type, time: entry.time };
  if (entry.content.length <= max) return { ...base, content: entry.content };
  const head = Math.floor(max / 4);
  const tail = max - head;
  const removed = entry.content.length - head - tail;
  return {
    ...base,
    content: `${entry.content.slice(0, head)}\n[... ${removed} characters cut ...]\n${entry.content.slice(-tail)}`,
    cut_chars: removed,
  };
}
