// Waiting as the tools offer it: the shared arguments, the shape of a wait's outcome, and progress while polling.
import { z } from "zod";
import { describeFailure } from "../coder/errors.js";
import type { TaskRef } from "../coder/identifiers.js";
import type { Task } from "../coder/schemas.js";
import { WAIT_CONDITIONS, type WaitCondition, waitForTask } from "../coder/wait.js";
import { waitNote } from "../format/error-text.js";
import type { ToolContext } from "./define.js";

export const WAIT_DEFAULT_SECONDS = 45;
export const WAIT_MAX_SECONDS = 600;

export const timeoutArg = z
  .number()
  .min(1)
  .max(WAIT_MAX_SECONDS)
  .describe(
    `Max seconds to wait (default ${WAIT_DEFAULT_SECONDS}; up to ${WAIT_MAX_SECONDS} if your client waits on progress).`,
  );

export const WaitOutcomeSchema = z.object({
  condition: z.enum(WAIT_CONDITIONS),
  outcome: z
    .enum(["reached", "timed_out", "stopped"])
    .describe("reached; timed_out (a normal result: wait again); stopped (waiting longer would not help)."),
  waited_seconds: z.number(),
  note: z.string(),
});
export type WaitOutcome = z.infer<typeof WaitOutcomeSchema>;

export interface WaitRequest {
  until: WaitCondition;
  timeoutSeconds?: number;
  /** See WaitOptions.reportBefore: set after a send. */
  reportBefore?: string | null;
}

export async function waitWithProgress(
  ctx: ToolContext,
  ref: TaskRef,
  request: WaitRequest,
): Promise<{ task: Task; wait: WaitOutcome }> {
  const result = await waitForTask(ctx.coder, ref, {
    until: request.until,
    timeoutMs: (request.timeoutSeconds ?? WAIT_DEFAULT_SECONDS) * 1000,
    signal: ctx.signal,
    timing: ctx.settings.waitTiming,
    reportBefore: request.reportBefore,
    onPoll: (task) => ctx.progress(describeProgress(task)),
  });
  return {
    task: result.task,
    wait: {
      condition: request.until,
      outcome: result.outcome,
      waited_seconds: Math.round(result.waitedMs / 100) / 10,
      note: waitNote(request.until, result),
    },
  };
}

function describeProgress(task: Task): string {
  const state = task.current_state;
  return `${task.owner_name}/${task.name}: ${task.status}${state ? `, ${state.state}${state.message ? `: ${state.message}` : ""}` : ""}`;
}

/**
 * Waits after a create or send went through. A failed wait must not read as a failed write, or the model would
 * repeat it: the failure becomes a "stopped" outcome that says the write happened.
 */
export async function waitAfterWrite(
  ctx: ToolContext,
  ref: TaskRef,
  request: WaitRequest,
  done: string,
): Promise<{ task?: Task; wait: WaitOutcome }> {
  try {
    return await waitWithProgress(ctx, ref, request);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return {
      wait: {
        condition: request.until,
        outcome: "stopped",
        waited_seconds: 0,
        note: `${done}, but waiting failed (${describeFailure(err)}). Do not repeat it: check with coder_get_task or coder_wait_for_task.`,
      },
    };
  }
}
