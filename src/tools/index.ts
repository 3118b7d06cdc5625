// Every tool, in the order tools/list shows them.
import { createTask } from "./create-task.js";
import type { AnyTool } from "./define.js";
import { deleteTask } from "./delete-task.js";
import { getTask } from "./get-task.js";
import { getTaskLogs } from "./get-task-logs.js";
import { listTasks } from "./list-tasks.js";
import { listTemplates } from "./list-templates.js";
import { pauseTask } from "./pause-task.js";
import { resumeTask } from "./resume-task.js";
import { sendTaskInput } from "./send-task-input.js";
import { updateTaskInput } from "./update-task-input.js";
import { waitForTaskTool } from "./wait-for-task.js";

export const TOOLS: readonly AnyTool[] = [
  listTasks,
  getTask,
  listTemplates,
  createTask,
  waitForTaskTool,
  sendTaskInput,
  getTaskLogs,
  updateTaskInput,
  pauseTask,
  resumeTask,
  deleteTask,
] as AnyTool[];
