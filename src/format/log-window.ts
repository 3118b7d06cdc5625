// A window on a task's log that fits a model's context: whole entries, newest last, each cut to a maximum length,
// the total within a character budget, and counts of what was left out so that the caller can page by entry id.
import type { LogSink } from "../coder/client.js";
import type { TaskLogsMeta } from "../coder/log-stream.js";
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

/**
 * Builds the window from entries given one at a time, in log order, keeping only those it may still return: the
 * newest that fit (a sliding window), or when paging forwards the first that fit. Memory follows the window, not
 * the log. Counts assume the log is in id order, as Coder returns it.
 */
export class LogWindowBuilder {
  private readonly kept: Array<{ entry: WindowEntry; seq: number }> = [];
  private used = 0;
  private matching = 0;
  private full = false;
  private readonly forwards: boolean;

  constructor(private readonly options: WindowOptions) {
    this.forwards = options.afterId !== undefined && options.beforeId === undefined;
  }

  add(entry: TaskLogEntry): void {
    const o = this.options;
    if (o.type && entry.type !== o.type) return;
    const seq = this.matching++;
    if ((o.beforeId !== undefined && entry.id >= o.beforeId) || (o.afterId !== undefined && entry.id <= o.afterId)) {
      return;
    }
    if (this.forwards) {
      if (this.full) return;
      const windowed = cut(entry, o.maxEntryChars);
      if (this.kept.length >= o.limit || (this.kept.length > 0 && this.used + windowed.content.length > o.maxChars)) {
        this.full = true;
        return;
      }
      this.used += windowed.content.length;
      this.kept.push({ entry: windowed, seq });
      return;
    }
    const windowed = cut(entry, o.maxEntryChars);
    this.kept.push({ entry: windowed, seq });
    this.used += windowed.content.length;
    // The newest suffix within the limit and the budget (the newest entry alone may exceed the budget).
    while (this.kept.length > o.limit || (this.kept.length > 1 && this.used > o.maxChars)) {
      this.used -= (this.kept.shift() as { entry: WindowEntry }).entry.content.length;
    }
  }

  result(): LogWindow {
    const first = this.kept[0];
    const last = this.kept.at(-1);
    return {
      entries: this.kept.map((k) => k.entry),
      total: this.matching,
      older: first ? first.seq : 0,
      newer: last ? this.matching - last.seq - 1 : 0,
    };
  }
}

/** A log read into a window: the snapshot facts and the entries kept. */
export interface WindowedLog extends TaskLogsMeta {
  window: LogWindow;
}

/** Sinks for CoderClient.readTaskLogs that keep only the window. */
export function windowSink(options: WindowOptions): () => LogSink<WindowedLog> {
  return () => {
    const builder = new LogWindowBuilder(options);
    return { add: (entry) => builder.add(entry), finish: (meta) => ({ ...meta, window: builder.result() }) };
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
