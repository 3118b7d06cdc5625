// Waiting for a task by polling, with the rules of `coder task send` (cli/task_send.go waitForTaskIdle): a task
// is idle when it is active and the agent reports idle, complete or failed; `error` is tolerated during the first
// minutes of the wait; `unknown` ends a wait for idle or active; `active` with no reported state for a while counts
// as idle.
import { setTimeout as sleep } from "node:timers/promises";
import type { CoderClient } from "./client.js";
import type { TaskRef } from "./identifiers.js";
import type { Task } from "./schemas.js";

export const WAIT_CONDITIONS = ["idle", "active", "paused", "any_change"] as const;
export type WaitCondition = (typeof WAIT_CONDITIONS)[number];

export interface WaitTiming {
  firstPollMs: number;
  maxPollMs: number;
  /** `active` with a null current_state this long counts as idle. */
  nullStateIdleMs: number;
  /** How long after the start of the wait `error` is still tolerated (the CLI's start-up grace). */
  errorGraceMs: number;
}

export const DEFAULT_WAIT_TIMING: WaitTiming = {
  firstPollMs: 1000,
  maxPollMs: 5000,
  nullStateIdleMs: 30_000,
  errorGraceMs: 5 * 60_000,
};

export interface WaitOptions {
  until: WaitCondition;
  timeoutMs: number;
  signal?: AbortSignal;
  timing?: WaitTiming;
  /**
   * After a send: the timestamp of the agent's last report before it. An idle state counts only once the agent has
   * reported again (compared as given, so clocks need not agree).
   */
  reportBefore?: string | null;
  onPoll?: (task: Task) => void;
}

/**
 * Why a wait ended: `reached` (the condition holds), `silent` (taken as idle: active with no state reported for a
 * while), `paused`, `unknown` and `error` (stopped: waiting longer would not help), `time` (timed out).
 */
export type WaitReason = "reached" | "silent" | "paused" | "unknown" | "error" | "time";

export interface WaitResult {
  outcome: "reached" | "timed_out" | "stopped";
  reason: WaitReason;
  task: Task;
  waitedMs: number;
  /** With reason `paused`: whether this Coder version can resume a task through its API. */
  canResume?: boolean;
}

const DONE_STATES = new Set(["idle", "complete", "failed"]);

export async function waitForTask(coder: CoderClient, ref: TaskRef, options: WaitOptions): Promise<WaitResult> {
  const timing = options.timing ?? DEFAULT_WAIT_TIMING;
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  let interval = timing.firstPollMs;
  let first: Task | undefined;
  let sawBusy = false;
  let nullSince: number | undefined;

  for (;;) {
    const task = await coder.getTask(ref, { signal: options.signal });
    const now = Date.now();
    first ??= task;
    options.onPoll?.(task);
    const state = task.current_state?.state;
    if (task.status !== "active" || state === "working") sawBusy = true;
    nullSince = task.status === "active" && !task.current_state ? (nullSince ?? now) : undefined;
    const result = (outcome: WaitResult["outcome"], reason: WaitReason): WaitResult => ({
      outcome,
      reason,
      task,
      waitedMs: now - started,
    });

    switch (options.until) {
      case "active":
        if (task.status === "active") return result("reached", "reached");
        break;
      case "paused":
        if (task.status === "paused") return result("reached", "reached");
        break;
      case "any_change":
        if (changed(first, task)) return result("reached", "reached");
        break;
      case "idle": {
        const reported = state !== undefined && DONE_STATES.has(state);
        const fresh =
          sawBusy || options.reportBefore === undefined || task.current_state?.timestamp !== options.reportBefore;
        if (task.status === "active" && reported && fresh) return result("reached", "reached");
        if (nullSince !== undefined && now - nullSince >= timing.nullStateIdleMs) return result("reached", "silent");
        break;
      }
    }
    const running = options.until === "idle" || options.until === "active";
    if (running && task.status === "paused") {
      const canResume = await coder.has("pauseResume", { signal: options.signal });
      return { ...result("stopped", "paused"), canResume };
    }
    // While waiting for paused, `unknown` is the stop build in progress; otherwise the CLI gives up on it.
    if (running && task.status === "unknown") return result("stopped", "unknown");
    if (task.status === "error" && now - started >= timing.errorGraceMs) return result("stopped", "error");
    if (now >= deadline) return result("timed_out", "time");
    await sleep(Math.min(interval, deadline - now), undefined, { signal: options.signal });
    interval = Math.min(interval * 1.5, timing.maxPollMs);
  }
}

function changed(a: Task, b: Task): boolean {
  return (
    a.status !== b.status ||
    a.current_state?.state !== b.current_state?.state ||
    a.current_state?.message !== b.current_state?.message
  );
}
