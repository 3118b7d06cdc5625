// The opt-in lifecycle (FakeCoderOptions.lifecycle): what the provisioner, the agent and AgentAPI do after a
// request returns, one step every `stepMs`, so that clients can watch a task move as BEHAVIOR.md describes.
import type { Build, TaskRecord } from "./model.js";
import type { Store } from "./store.js";

type Step = () => void;

export class Lifecycle {
  /** At most one pending timer per task: its next step. */
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly stepMs: number,
  ) {}

  /** Created: the start build runs, the agent starts, works on the prompt, then answers and is idle. */
  created(task: TaskRecord, build: Build): void {
    const topic = firstWords(task.prompt);
    this.run(task, [
      // Start job running, no agent yet: `initializing`, "Workspace is starting".
      () => this.store.setJob(task, build, "running"),
      // Agent starting, app initializing: `initializing`, "Agent is starting".
      () => {
        this.store.setJob(task, build, "succeeded");
        this.store.setAgent(task, "starting", "initializing");
      },
      () => {
        this.store.setAgent(task, "ready", "healthy");
        this.store.report(task, { state: "working", message: "Working on it" });
      },
      () => this.answer(task, `Done: ${topic}`, `Finished: ${topic}`),
    ]);
  }

  /** Sent: AgentAPI turns "running" at once (the route already logged the input), and replies one step later. */
  sent(task: TaskRecord, input: string): void {
    const topic = firstWords(input);
    this.store.report(task, { state: "working", message: `Working on: ${topic}` });
    this.run(task, [() => this.answer(task, `Reply to "${topic}": done.`, `Finished: ${topic}`)]);
  }

  /**
   * Pausing: a provisioner takes the stop build at once, so the task is `unknown` (a stop still running) until the
   * build succeeds one step later; the workspace uploads its log snapshot as it stops.
   */
  pausing(task: TaskRecord, build: Build): void {
    this.store.setJob(task, build, "running");
    this.store.setAgent(task, "shutting_down", task.appHealth);
    this.run(task, [
      () => {
        this.store.setJob(task, build, "succeeded");
        this.store.setAgent(task, "off", task.appHealth);
        this.store.takeSnapshot(task);
      },
    ]);
  }

  /** Resuming: `pending` (job queued, no agent in the new build yet), `initializing` (job running), active, idle. */
  resuming(task: TaskRecord, build: Build): void {
    this.store.setAgent(task, null, null);
    this.run(task, [
      () => this.store.setJob(task, build, "running"),
      () => {
        this.store.setJob(task, build, "succeeded");
        this.store.setAgent(task, "ready", "healthy");
        this.store.report(task, { state: "idle", message: "Resumed, waiting for input" });
      },
    ]);
  }

  /** Deleted: the task is already gone; its delete build still runs, as Coder's does. */
  deleting(task: TaskRecord, build: Build): void {
    this.run(task, [
      () => this.store.setJob(task, build, "running"),
      () => this.store.setJob(task, build, "succeeded"),
    ]);
  }

  /** Drops what the task was still going to do (a request or a test that moves it takes over). */
  cancel(task: TaskRecord): void {
    clearTimeout(this.timers.get(task.id));
    this.timers.delete(task.id);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private answer(task: TaskRecord, output: string, message: string): void {
    this.store.appendLog(task, "output", output);
    this.store.report(task, { state: "idle", message });
  }

  /** Runs `steps` one per stepMs, replacing the task's unfinished ones; unref'd, so no timer keeps Node alive. */
  private run(task: TaskRecord, steps: Step[]): void {
    this.cancel(task);
    const schedule = (index: number) => {
      const step = steps[index];
      if (!step || this.closed) {
        this.timers.delete(task.id);
        return;
      }
      const timer = setTimeout(() => {
        step();
        schedule(index + 1);
      }, this.stepMs);
      timer.unref();
      this.timers.set(task.id, timer);
    };
    schedule(0);
  }
}

/** The first few words, for the agent's answers and state messages. */
function firstWords(text: string, count = 6): string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  return words.length > count ? `${words.slice(0, count).join(" ")}…` : words.join(" ");
}
