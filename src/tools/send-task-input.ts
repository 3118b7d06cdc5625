import { z } from "zod";
import { refOf } from "../coder/identifiers.js";
import { pausedAdvice } from "../format/error-text.js";
import { taskLink } from "../format/task-uris.js";
import { defineTool } from "./define.js";
import { BuildSummarySchema, inputArg, summarizeBuild, summarizeTask, TaskSummarySchema, taskIdArg } from "./shapes.js";
import { TaskStateError } from "./task-state-error.js";
import { timeoutArg, WAIT_DEFAULT_SECONDS, WaitOutcomeSchema, waitAfterWrite, waitWithProgress } from "./waiting.js";

const STARTING = new Set(["pending", "initializing"]);

export const sendTaskInput = defineTool({
  name: "coder_send_task_input",
  title: "Send input to a Coder task",
  description:
    "Send a message to a task's agent, as its user would. With wait: true, waits for a busy agent to be idle, sends, " +
    "then waits for the answer. A paused task is refused unless resume: true (resume, wait, then send). Without " +
    "wait, returns once Coder accepts it; read the answer with coder_get_task_logs. Never retried.",
  input: {
    task_id: taskIdArg,
    input: inputArg.describe("The message for the agent."),
    wait: z.boolean().optional().describe("Wait for a busy agent, then for its answer."),
    resume: z.boolean().optional().describe("Resume a paused task first."),
    timeout_seconds: timeoutArg.optional(),
  },
  output: {
    sent: z.literal(true),
    resumed: BuildSummarySchema.optional().describe("The start build, when the task was resumed first."),
    task: TaskSummarySchema.describe("The task: as the wait left it, or as it was when the input was sent."),
    wait: WaitOutcomeSchema.optional(),
  },
  untrusted: "The task's message",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  links: ({ task }) => [taskLink(task), taskLink(task, true)],
  async handler({ task_id, input, wait, resume, timeout_seconds }, ctx) {
    const { coder, signal } = ctx;
    const deadline = Date.now() + (timeout_seconds ?? WAIT_DEFAULT_SECONDS) * 1000;
    const secondsLeft = () => Math.max(1, Math.round((deadline - Date.now()) / 1000));
    let task = await coder.resolveTask(task_id, { signal });
    const ref = refOf(task);
    const label = `${task.owner_name}/${task.name}`;

    let resumed: ReturnType<typeof summarizeBuild> | undefined;
    if (task.status === "paused") {
      if (!resume) {
        const canResume = await coder.has("pauseResume", { signal });
        const orRetry = canResume
          ? ", or call again with resume: true to resume it, wait until it is idle, then send"
          : "";
        throw new TaskStateError(`Task ${label} is paused: ${pausedAdvice(task, canResume)}${orRetry}.`);
      }
      // Before v2.31.1 this is refused, naming the version that brings resume, before anything is sent.
      resumed = summarizeBuild(await coder.resumeTask(ref, { signal }));
    }
    const busy = STARTING.has(task.status) || task.current_state?.state === "working";
    if (resumed || (wait && busy)) {
      const ready = await waitWithProgress(ctx, ref, { until: "idle", timeoutSeconds: secondsLeft() });
      if (ready.wait.outcome !== "reached") {
        throw new TaskStateError(
          `${resumed ? `Task ${label} was resumed (build ${resumed.id}), but the input was NOT sent` : `The input was NOT sent to ${label}`}: ${ready.wait.note} Check with coder_wait_for_task, then send again${resumed ? " without resume" : ""}.`,
        );
      }
      task = ready.task;
    }

    await coder.sendTaskInput(ref, input, { signal });
    const base = { sent: true as const, ...(resumed ? { resumed } : {}) };
    if (!wait) return { ...base, task: summarizeTask(task) };
    const answer = await waitAfterWrite(
      ctx,
      ref,
      { until: "idle", timeoutSeconds: secondsLeft(), reportBefore: task.current_state?.timestamp ?? null },
      "The input was sent",
    );
    return { ...base, task: summarizeTask(answer.task ?? task), wait: answer.wait };
  },
});
