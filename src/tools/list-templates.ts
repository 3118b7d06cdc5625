import { z } from "zod";
import { defineTool } from "./define.js";

const PresetSchema = z.object({
  id: z.string(),
  name: z.string(),
  default: z.boolean(),
  description: z.string().optional(),
  parameters: z.array(z.object({ name: z.string(), value: z.string() })),
});

export const listTemplates = defineTool({
  name: "coder_list_templates",
  title: "List templates for Coder tasks",
  description:
    "List the templates that can run AI tasks, each with its active version ID and presets (name, ID, default, " +
    "description, parameters). Use it to choose the template (and preset) for coder_create_task.",
  input: {
    organization: z.string().min(1).max(100).optional().describe("Organization name or ID."),
  },
  output: {
    count: z.number().int(),
    templates: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        display_name: z.string().optional(),
        description: z.string().optional(),
        organization: z.string().optional(),
        active_version_id: z.string(),
        presets: z.array(PresetSchema),
      }),
    ),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async handler({ organization }, { coder, signal }) {
    const found = await coder.listTemplates({ aiTask: true, organization }, { signal });
    const templates = await Promise.all(
      found.map(async (t) => {
        const presets = await coder.getTemplateVersionPresets(t.active_version_id, { signal });
        return {
          id: t.id,
          name: t.name,
          ...(t.display_name ? { display_name: t.display_name } : {}),
          ...(t.description ? { description: t.description } : {}),
          ...(t.organization_name ? { organization: t.organization_name } : {}),
          active_version_id: t.active_version_id,
          presets: presets.map((p) => ({
            id: p.ID,
            name: p.Name,
            default: p.Default ?? false,
            ...(p.Description ? { description: p.Description } : {}),
            parameters: (p.Parameters ?? []).map((x) => ({ name: x.Name, value: x.Value })),
          })),
        };
      }),
    );
    return { count: templates.length, templates };
  },
});
