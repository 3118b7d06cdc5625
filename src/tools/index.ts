// Every tool, in the order tools/list shows them.
import { createTask } from "./create-task.js";
import type { AnyTool } from "./define.js";
import { deleteTask } from "./delete-task.js";
import { getTask } from "./get-task.js";
import { getTaskLogs } from "./get-task-logs.js";
import { listTasks } from "./list-tasks.js";
import { pauseTask } from "./pause-task.js";
import { resumeTask } from "./resume-task.js";
import { sendTaskInput } from "./send-task-input.js";
import { updateTaskInput } from "./update-task-input.js";

export const TOOLS: readonly AnyTool[] = [
  listTasks,
  getTask,
  createTask,
  sendTaskInput,
  getTaskLogs,
  updateTaskInput,
  pauseTask,
  resumeTask,
  deleteTask,
] as AnyTool[];
