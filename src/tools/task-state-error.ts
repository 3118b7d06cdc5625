// A tool's refusal, worded by the tool, when the task is not in a status where its action makes sense.

/** The task is not in a status where the action makes sense; nothing was sent. */
export class TaskStateError extends Error {
  override readonly name = "TaskStateError";
}
