// Subscriptions: while anyone is subscribed, poll Coder (one task list per owner per cycle, plus the log of each
// subscribed logs URI) and report what changed. With no subscription there is no timer and no request.
import type { CoderClient } from "../coder/client.js";
import { isUuid, isValidUser, refOf } from "../coder/identifiers.js";
import { logsServed } from "../coder/logs.js";
import type { Task } from "../coder/schemas.js";
import { type ParsedUri, parseTaskUri } from "../format/task-uris.js";

export interface SubscriptionEvents {
  updated(uri: string): void;
  listChanged(): void;
  /** A poll cycle failed; the next one tries again. */
  failed(err: unknown): void;
}

interface Watched {
  parsed: ParsedUri;
  /** What the last cycle saw: status, state and message for a task; the log's shape for logs. */
  seen?: string;
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
    this.polling = this.polling.then(() => this.poll().catch((err) => this.events.failed(err)));
    return this.polling;
  }

  private async poll(): Promise<void> {
    const coder = this.coder();
    const mine = (await coder.listTasks({ owner: "me" })).tasks;
    const ids = mine
      .map((t) => t.id)
      .sort()
      .join(",");
    if (this.myTasks !== undefined && this.myTasks !== ids) this.events.listChanged();
    this.myTasks = ids;

    // One list per other owner, however many of their tasks are watched.
    const byOwner = new Map<string, Task[]>([["me", mine]]);
    if (mine[0]) byOwner.set(mine[0].owner_name, mine);
    for (const { parsed } of this.watched.values()) {
      if (!byOwner.has(parsed.owner)) byOwner.set(parsed.owner, (await coder.listTasks({ owner: parsed.owner })).tasks);
    }
    const everyone = [...new Set([...byOwner.values()].flat())];

    for (const [uri, watched] of this.watched) {
      const { owner, task: key } = watched.parsed;
      const task = isUuid(key)
        ? everyone.find((t) => t.id === key)
        : byOwner.get(owner)?.find((t) => t.name.toLowerCase() === key.toLowerCase());
      const seen = watched.parsed.logs ? await this.logShape(coder, task) : taskShape(task);
      // Only a change from what an earlier cycle saw counts: the first cycle sets the baseline.
      if (watched.seen !== undefined && watched.seen !== seen && this.watched.has(uri)) this.events.updated(uri);
      watched.seen = seen;
    }
  }

  private async logShape(coder: CoderClient, task: Task | undefined): Promise<string> {
    if (!task) return "gone";
    // Where Coder serves no log (error, unknown; any status but active before v2.31.1), the status is the news.
    if (!(await logsServed(coder, task))) return `status:${task.status}`;
    const logs = await coder.getTaskLogs(refOf(task));
    const last = logs.logs.at(-1);
    return `${task.status}:${logs.logs.length}:${last?.id}:${last?.content.length}:${logs.snapshot_at ?? ""}`;
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
