// The opt-in lifecycle (SimulatorOptions.lifecycle): what the provisioner, the agent and AgentAPI do after a
// request returns, one step every `stepMs`, so that clients can watch a task move as BEHAVIOR.md describes.
import type { Build, TaskRecord } from "./model.js";
import type { Store } from "./store.js";

type Step = () => void;

/** What the simulated agent says; `first` is true for the task's prompt, false for a message sent to it. */
export interface AgentScript {
  /** The state message it reports while it works on `text`. */
  working(text: string, first: boolean): string;
  /** Its answer: the output log entry, and the state message it reports as it turns idle. */
  answer(text: string, first: boolean): { output: string; message: string };
}

/** Terse answers that quote the input, which tests can predict. */
export const PLAIN_AGENT: AgentScript = {
  working: (text, first) => (first ? "Working on it" : `Working on: ${firstWords(text)}`),
  answer: (text, first) => ({
    output: first ? `Done: ${firstWords(text)}` : `Reply to "${firstWords(text)}": done.`,
    message: `Finished: ${firstWords(text)}`,
  }),
};

export interface LifecycleOptions {
  /** How long each step takes; "manual": a step happens only when `step()` is called (tests that must not race). */
  stepMs: number | "manual";
  /** Each step takes up to this much longer, at random; default 0. */
  jitterMs?: number;
  /** Default: PLAIN_AGENT. */
  agent?: AgentScript;
}

export class Lifecycle {
  /** At most one pending timer per task: its next step. */
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** With stepMs "manual": each task's next step, run by step(). */
  private readonly due = new Map<string, Step>();
  private readonly agent: AgentScript;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly options: LifecycleOptions,
  ) {
    this.agent = options.agent ?? PLAIN_AGENT;
  }

  /** Created: the start build runs, the agent starts, works on the prompt, then answers and is idle. */
  created(task: TaskRecord, build: Build): void {
    const prompt = task.prompt;
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
        this.store.report(task, { state: "working", message: this.agent.working(prompt, true) });
      },
      () => this.answer(task, this.agent.answer(prompt, true)),
    ]);
  }

  /** Sent: AgentAPI turns "running" at once (the route already logged the input), and replies one step later. */
  sent(task: TaskRecord, input: string): void {
    this.store.report(task, { state: "working", message: this.agent.working(input, false) });
    this.run(task, [() => this.answer(task, this.agent.answer(input, false))]);
  }

  /** A task added as working (not through a request): it answers `afterMs` from now, then is idle. */
  answerLater(task: TaskRecord, answer: { output: string; message: string }, afterMs: number): void {
    this.run(task, [() => this.answer(task, answer)], afterMs);
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
    this.due.delete(task.id);
  }

  /** With stepMs "manual": takes every task's next step; returns how many tasks moved. */
  step(): number {
    const due = [...this.due.values()];
    this.due.clear();
    for (const next of due) next();
    return due.length;
  }

  close(): void {
    this.closed = true;
    this.due.clear();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private answer(task: TaskRecord, answer: { output: string; message: string }): void {
    this.store.appendLog(task, "output", answer.output);
    this.store.report(task, { state: "idle", message: answer.message });
  }

  /**
   * Runs `steps` one per step (the first after `firstMs`, if given), replacing the task's unfinished ones;
   * unref'd, so no timer keeps Node alive.
   */
  private run(task: TaskRecord, steps: Step[], firstMs?: number): void {
    this.cancel(task);
    const schedule = (index: number) => {
      const step = steps[index];
      if (!step || this.closed) {
        this.timers.delete(task.id);
        return;
      }
      const { stepMs, jitterMs = 0 } = this.options;
      const next = () => {
        step();
        schedule(index + 1);
      };
      if (stepMs === "manual") {
        this.due.set(task.id, next);
        return;
      }
      const ms = index === 0 && firstMs !== undefined ? firstMs : stepMs + Math.random() * jitterMs;
      const timer = setTimeout(next, ms);
      timer.unref();
      this.timers.set(task.id, timer);
    };
    schedule(0);
  }
}

/** The first few words, for the agent's answers and state messages. */
export function firstWords(text: string, count = 6): string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  return words.length > count ? `${words.slice(0, count).join(" ")}…` : words.join(" ");
}
