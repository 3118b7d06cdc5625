// Subscriptions: while anyone is subscribed, poll Coder (one task list per owner per cycle, plus the log of each
// subscribed logs URI) and report what changed. With no subscription there is no timer and no request. A failure
// touches only the subscriptions that depend on what failed.
import type { CoderClient } from "../coder/client.js";
import { isUuid, isValidUser, refOf } from "../coder/identifiers.js";
import { logsServed } from "../coder/logs.js";
import type { Task, TaskLogEntry } from "../coder/schemas.js";
import { type ParsedUri, parseTaskUri } from "../format/task-uris.js";

export interface SubscriptionEvents {
  updated(uri: string): void;
  listChanged(): void;
  /** Polling one subscription failed (reported once until it works again); the next cycle tries again. */
  failed(uri: string | undefined, err: unknown): void;
}

interface Watched {
  parsed: ParsedUri;
  /** What the last cycle saw: status, state and message for a task; the log's shape for logs. */
  seen?: string;
  /** The last poll of it failed: reported already. */
  failing?: boolean;
}

export class Subscriptions {
  private readonly watched = new Map<string, Watched>();
  private timer?: NodeJS.Timeout;
  private myTasks?: string;
  private stopped = false;
  /** Polls run one after another, so that one change is never reported twice. */
  private polling: Promise<void> = Promise.resolve();

  constructor(
    private readonly coder: () => CoderClient,
    private readonly intervalMs: number,
    private readonly events: SubscriptionEvents,
  ) {}

  /**
   * Starts watching; returns false when the URI is not a task or logs resource. Resolves once the current state is
   * known, so that any change after the subscription is answered is reported.
   */
  async subscribe(uri: string): Promise<boolean> {
    const parsed = parseTaskUri(uri);
    if (!parsed || !isValidUser(parsed.owner)) return false;
    if (!this.watched.has(uri)) {
      this.watched.set(uri, { parsed });
      await this.runPoll();
    }
    this.schedule();
    return true;
  }

  unsubscribe(uri: string): void {
    this.watched.delete(uri);
    if (this.watched.size === 0) this.cancel();
  }

  stop(): void {
    this.stopped = true;
    this.watched.clear();
    this.cancel();
  }

  private schedule(): void {
    if (this.timer || this.stopped || this.watched.size === 0) return;
    this.timer = setTimeout(() => void this.cycle(), this.intervalMs);
    this.timer.unref();
  }

  private cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.myTasks = undefined;
  }

  private async cycle(): Promise<void> {
    await this.runPoll();
    this.timer = undefined;
    this.schedule();
  }

  private runPoll(): Promise<void> {
    this.polling = this.polling.then(() => this.poll().catch((err) => this.events.failed(undefined, err)));
    return this.polling;
  }

  /** Each owner's list and each URI fail alone: one bad subscription never stops the others' updates. */
  private async poll(): Promise<void> {
    const coder = this.coder();
    const lists = new Map<string, Promise<Task[]>>();
    const list = (owner: string) => {
      let tasks = lists.get(owner);
      if (!tasks) {
        tasks = coder.listTasks({ owner }).then((r) => r.tasks);
        // Awaited by each URI that needs it; a rejection here must not count as unhandled.
        tasks.catch(() => {});
        lists.set(owner, tasks);
      }
      return tasks;
    };
    const mine = await list("me").catch(() => undefined);
    if (mine) {
      if (mine[0]) lists.set(mine[0].owner_name, Promise.resolve(mine));
      const ids = mine
        .map((t) => t.id)
        .sort()
        .join(",");
      if (this.myTasks !== undefined && this.myTasks !== ids) this.events.listChanged();
      this.myTasks = ids;
    }

    for (const [uri, watched] of this.watched) {
      try {
        const seen = await this.shape(coder, watched.parsed, list);
        // Only a change from what an earlier cycle saw counts: the first cycle sets the baseline.
        if (watched.seen !== undefined && watched.seen !== seen && this.watched.has(uri)) this.events.updated(uri);
        watched.seen = seen;
        watched.failing = false;
      } catch (err) {
        // Once per subscription until it works again: a failing poll every few seconds would flood the client.
        if (!watched.failing && this.watched.has(uri)) this.events.failed(uri, err);
        watched.failing = true;
      }
    }
  }

  private async shape(coder: CoderClient, parsed: ParsedUri, list: (owner: string) => Promise<Task[]>) {
    const { owner, task: key } = parsed;
    const tasks = await list(owner);
    const task = isUuid(key)
      ? tasks.find((t) => t.id === key)
      : tasks.find((t) => t.name.toLowerCase() === key.toLowerCase());
    return parsed.logs ? this.logShape(coder, task) : taskShape(task);
  }

  private async logShape(coder: CoderClient, task: Task | undefined): Promise<string> {
    if (!task) return "gone";
    // Where Coder serves no log (error, unknown; any status but active before v2.31.1), the status is the news.
    if (!(await logsServed(coder, task))) return `status:${task.status}`;
    // Streamed, keeping only a count and the last entry: a poll costs no memory however long the log.
    return coder.readTaskLogs(refOf(task), () => {
      let count = 0;
      let last: TaskLogEntry | undefined;
      return {
        add: (entry) => {
          count += 1;
          last = entry;
        },
        finish: (meta) => `${task.status}:${count}:${last?.id}:${last?.content.length}:${meta.snapshot_at ?? ""}`,
      };
    });
  }
}

function taskShape(task: Task | undefined): string {
  if (!task) return "gone";
  return JSON.stringify([
    task.status,
    task.current_state?.state,
    task.current_state?.message,
    task.current_state?.timestamp,
  ]);
}
