import { z } from "zod";
import { isValidName, parseUser, refOf } from "../coder/identifiers.js";
import { chooseTemplateVersion } from "../coder/templates.js";
import { taskLink } from "../format/task-uris.js";
import { defineTool } from "./define.js";
import { blankAsAbsent } from "./lenient.js";
import { detailArg, inputArg, TaskViewSchema, taskView, userArg, uuidArg } from "./shapes.js";
import { timeoutArg, WaitOutcomeSchema, waitAfterWrite } from "./waiting.js";

const RESERVED_NAMES = ["new", "create"];

export const createTask = defineTool({
  name: "coder_create_task",
  title: "Create a Coder task",
  description:
    "Start a Coder task: an AI coding agent in a new workspace, given a prompt. Template (and preset) from " +
    "coder_list_templates; optional when only one can run AI tasks. It goes pending -> initializing -> active; " +
    "wait: true returns once the agent's first turn is over (then read coder_get_task_logs).",
  input: {
    input: inputArg.describe("The prompt: what the agent should do."),
    template: z.string().min(1).max(100).optional().describe("Template name or ID."),
    template_version_id: uuidArg.optional().describe("A template version ID, instead of template."),
    preset: z.string().min(1).max(100).optional().describe("Preset name or ID."),
    template_version_preset_id: blankAsAbsent(uuidArg.optional().describe("A preset ID, instead of preset.")),
    name: z
      .string()
      .refine((n) => isValidName(n) && !RESERVED_NAMES.includes(n.toLowerCase()), {
        message: 'must be at most 32 letters, digits and single hyphens (e.g. "fix-login-bug"), not "new" or "create"',
      })
      .optional()
      .describe("Task (and workspace) name; generated when left out."),
    display_name: z
      .string()
      .max(64)
      // Coder's limit is 64 bytes of UTF-8 after trimming: an accented letter takes 2, an emoji 4.
      .refine((s) => Buffer.byteLength(s.trim()) <= 64, "must be at most 64 bytes in UTF-8 (é counts 2, an emoji 4)")
      .optional()
      .describe("A human-readable title, up to 64 bytes (Coder v2.29+)."),
    user: blankAsAbsent(userArg.optional().describe('Owner: "me" (default), username or user ID.')),
    wait: z.boolean().optional().describe("Wait for the agent's first turn to end."),
    timeout_seconds: timeoutArg.optional(),
    detail: detailArg.optional(),
  },
  output: {
    task: z
      .looseObject(TaskViewSchema.shape)
      .describe("The new task as coder_get_task returns it; with wait, as the wait left it."),
    wait: WaitOutcomeSchema.optional(),
    note: z.string().optional().describe("What was left out of the request, and why."),
  },
  untrusted: "Its message and display_name",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  links: ({ task }) => [taskLink(task)],
  async handler(args, ctx) {
    const { coder, signal } = ctx;
    const owner = parseUser(args.user ?? "me");
    const version = await chooseTemplateVersion(
      coder,
      {
        template: args.template,
        templateVersionId: args.template_version_id,
        preset: args.preset,
        templateVersionPresetId: args.template_version_preset_id,
      },
      { signal },
    );
    // v2.28 has no display names and would drop it silently: say so instead.
    const dropName = args.display_name !== undefined && !(await coder.has("displayName", { signal }));
    const note = dropName ? { note: "display_name was not sent: this Coder version has none (v2.29.0+)." } : {};
    const task = await coder.createTask(
      owner,
      {
        input: args.input,
        template_version_id: version.templateVersionId,
        ...(version.templateVersionPresetId ? { template_version_preset_id: version.templateVersionPresetId } : {}),
        ...(args.name ? { name: args.name } : {}),
        ...(args.display_name && !dropName ? { display_name: args.display_name } : {}),
      },
      { signal },
    );
    if (!args.wait) return { task: taskView(task, args.detail), ...note };
    const done = await waitAfterWrite(
      ctx,
      refOf(task),
      { until: "idle", timeoutSeconds: args.timeout_seconds },
      "The task was created",
    );
    return { task: taskView(done.task ?? task, args.detail), wait: done.wait, ...note };
  },
});
