// Picks the template version and preset for a new task the way `coder task create` does: a template by name or ID
// (its active version), the only AI-task template when none is named, and a preset by name or ID.
import type { CoderClient } from "./client.js";
import { type Candidate, TemplateChoiceError } from "./errors.js";
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

export async function chooseTemplateVersion(
  coder: CoderClient,
  choice: TemplateChoice,
  opts: Signal = {},
): Promise<ChosenVersion> {
  if (choice.template && choice.templateVersionId) throw new TemplateChoiceError("template and version");
  if (choice.preset && choice.templateVersionPresetId) throw new TemplateChoiceError("preset and preset id");
  const templateVersionId =
    choice.templateVersionId ?? (await findTemplate(coder, choice.template, opts)).active_version_id;
  if (choice.templateVersionPresetId)
    return { templateVersionId, templateVersionPresetId: choice.templateVersionPresetId };
  if (!choice.preset) return { templateVersionId };

  const presets = await coder.getTemplateVersionPresets(templateVersionId, opts);
  const wanted = choice.preset.toLowerCase();
  const preset = presets.find((p) => p.ID === choice.preset) ?? presets.find((p) => p.Name.toLowerCase() === wanted);
  if (!preset) {
    const candidates = presets.map((p) => ({ id: p.ID, name: p.Name }));
    throw new TemplateChoiceError("no such preset", candidates, choice.preset);
  }
  return { templateVersionId, templateVersionPresetId: preset.ID };
}

async function findTemplate(coder: CoderClient, template: string | undefined, opts: Signal): Promise<Template> {
  if (template && isUuid(template)) return coder.getTemplate(template, opts);
  if (template) {
    const found = await coder.listTemplates({ exactName: template.toLowerCase() }, opts);
    if (found.length === 1 && found[0]) return found[0];
    if (found.length > 1) throw new TemplateChoiceError("several templates", found.map(candidate), template);
    const available = await coder.listTemplates({ aiTask: true }, opts);
    throw new TemplateChoiceError("no such template", available.map(candidate), template);
  }
  const available = await coder.listTemplates({ aiTask: true }, opts);
  if (available.length === 1 && available[0]) return available[0];
  throw new TemplateChoiceError("no template given", available.map(candidate));
}

function candidate(t: Template): Candidate {
  return {
    id: t.id,
    name: t.name,
    ...(t.display_name ? { displayName: t.display_name } : {}),
    ...(t.organization_name || t.organization_id ? { organization: t.organization_name ?? t.organization_id } : {}),
  };
}
