// Picks the template version and preset for a new task the way `coder task create` does: a template by name or ID
// (its active version), the only AI-task template when none is named, and a preset by name or ID.
import type { CoderClient } from "./client.js";
import { InvalidInputError } from "./errors.js";
import { isUuid } from "./identifiers.js";
import type { Template } from "./schemas.js";

export interface TemplateChoice {
  template?: string;
  templateVersionId?: string;
  preset?: string;
  templateVersionPresetId?: string;
}

export interface ChosenVersion {
  templateVersionId: string;
  templateVersionPresetId?: string;
}

type Signal = { signal?: AbortSignal };

const AI_TASK = "has-ai-task:true";

export async function chooseTemplateVersion(
  coder: CoderClient,
  choice: TemplateChoice,
  opts: Signal = {},
): Promise<ChosenVersion> {
  if (choice.template && choice.templateVersionId) {
    throw new InvalidInputError("Give either template or template_version_id, not both.");
  }
  if (choice.preset && choice.templateVersionPresetId) {
    throw new InvalidInputError("Give either preset or template_version_preset_id, not both.");
  }
  const templateVersionId =
    choice.templateVersionId ?? (await findTemplate(coder, choice.template, opts)).active_version_id;
  if (choice.templateVersionPresetId)
    return { templateVersionId, templateVersionPresetId: choice.templateVersionPresetId };
  if (!choice.preset) return { templateVersionId };

  const presets = await coder.getTemplateVersionPresets(templateVersionId, opts);
  const wanted = choice.preset.toLowerCase();
  const preset = presets.find((p) => p.ID === choice.preset) ?? presets.find((p) => p.Name.toLowerCase() === wanted);
  if (!preset) {
    const names = presets.map((p) => `"${p.Name}"`).join(", ");
    throw new InvalidInputError(
      `No preset "${choice.preset}" in this template version. ${names ? `Its presets: ${names}.` : "It has no presets: leave preset out."}`,
    );
  }
  return { templateVersionId, templateVersionPresetId: preset.ID };
}

async function findTemplate(coder: CoderClient, template: string | undefined, opts: Signal): Promise<Template> {
  if (template && isUuid(template)) return coder.getTemplate(template, opts);
  if (template) {
    const found = await coder.listTemplates(`exact_name:${JSON.stringify(template.toLowerCase())}`, opts);
    if (found.length === 1 && found[0]) return found[0];
    if (found.length > 1) {
      const ids = found
        .map((t) => `${t.id} (organization ${t.organization_name ?? t.organization_id ?? "?"})`)
        .join(", ");
      throw new InvalidInputError(`Several templates are named "${template}": pass the ID of one as template: ${ids}.`);
    }
    const available = await coder.listTemplates(AI_TASK, opts);
    throw new InvalidInputError(`No template named "${template}". ${describe(available)}`);
  }
  const available = await coder.listTemplates(AI_TASK, opts);
  if (available.length === 1 && available[0]) return available[0];
  throw new InvalidInputError(`No template given. ${describe(available)}`);
}

function describe(templates: Template[]): string {
  if (templates.length === 0) {
    return "No template on this deployment can run AI tasks (a template needs a coder_ai_task resource).";
  }
  const names = templates.map((t) =>
    t.display_name && t.display_name !== t.name ? `${t.name} (${t.display_name})` : t.name,
  );
  return `Templates that can run AI tasks: ${names.join(", ")}. Pass one as template.`;
}
