// The non-task endpoints in the contract: build info, users, templates, presets and workspace builds.
import { fail, isUuid, ok, type Reply, resourceNotFound, uuidError } from "./http.js";
import type { TemplateRecord } from "./model.js";
import { parseTemplatesQuery, type TemplatesFilter } from "./query.js";
import { type Call, isReply, type Route, resolveUser } from "./route.js";
import { buildJson, presetJson, templateJson, userJson } from "./serialize.js";
import type { Store } from "./store.js";
import type { BuildInfo } from "./types.js";

/** Routes relative to /api/v2. */
export const OTHER_ROUTES: Route[] = [
  { path: ["buildinfo"], spec: "/api/v2/buildinfo", methods: { GET: buildInfo }, public: true },
  { path: ["users", ":user"], spec: "/api/v2/users/{user}", methods: { GET: getUser } },
  { path: ["templates"], spec: "/api/v2/templates", methods: { GET: listTemplates } },
  { path: ["templates", ":template"], spec: "/api/v2/templates/{template}", methods: { GET: getTemplate } },
  {
    path: ["templateversions", ":templateversion", "presets"],
    spec: "/api/v2/templateversions/{templateversion}/presets",
    methods: { GET: presets },
  },
  {
    path: ["workspacebuilds", ":workspacebuild"],
    spec: "/api/v2/workspacebuilds/{workspacebuild}",
    methods: { GET: workspaceBuild },
  },
];

function buildInfo(call: Call): Reply {
  const { version, url, deploymentId } = call.deployment;
  const commit = /\+([0-9a-f]+)$/.exec(version)?.[1];
  const body: BuildInfo = {
    external_url: commit
      ? `https://github.com/coder/coder/commit/${commit}`
      : `https://github.com/coder/coder/releases/tag/${version}`,
    version,
    dashboard_url: url,
    telemetry: false,
    workspace_proxy: false,
    agent_api_version: "2.6",
    provisioner_api_version: "1.10",
    upgrade_message: "",
    deployment_id: deploymentId,
  };
  return ok(body);
}

function getUser(call: Call): Reply {
  const user = resolveUser(call);
  return isReply(user) ? user : ok(userJson(call.store, user));
}

function listTemplates(call: Call): Reply {
  const parsed = parseTemplatesQuery(call.query.get("q") ?? "", call.store, call.actor);
  if ("errors" in parsed) return fail(400, "Invalid template search query.", undefined, parsed.errors);
  // fetchTemplates: without deprecated:, only templates that are not deprecated.
  const filter = { ...parsed.filter, deprecated: parsed.filter.deprecated ?? false };
  const templates = call.store.templates
    .filter((t) => templateMatches(call.store, t, filter))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
    .map((t) => templateJson(call.store, t));
  return ok(templates);
}

/** GetTemplatesWithFilter's WHERE clause, over the fields the simulator models. */
function templateMatches(store: Store, t: TemplateRecord, f: TemplatesFilter): boolean {
  const name = t.name.toLowerCase();
  const displayName = t.displayName.toLowerCase();
  // A fuzzy display name matches the name (spaces removed) when the template has no display name.
  const fuzzyDisplay =
    displayName !== ""
      ? displayName.includes(f.fuzzyDisplayName)
      : name.includes(f.fuzzyDisplayName.replaceAll(" ", ""));
  const author = store.userById(t.createdById)?.username.toLowerCase();
  return (
    !f.deleted && // the simulator deletes no template
    (f.organizationId === undefined || t.organizationId === f.organizationId) &&
    (f.exactName === "" || name === f.exactName) &&
    (f.exactDisplayName === "" || displayName === f.exactDisplayName) &&
    name.includes(f.fuzzyName) &&
    fuzzyDisplay &&
    (f.ids === undefined || f.ids.includes(t.id)) &&
    (f.deprecated === undefined || t.deprecated === f.deprecated) &&
    (f.hasAiTask === undefined || store.versions.get(t.activeVersionId)?.aiTask === f.hasAiTask) &&
    (f.authorId === undefined || t.createdById === f.authorId) &&
    (f.authorName === undefined || author === f.authorName) &&
    f.hasExternalAgent !== true // no template of the simulator has an external agent
  );
}

/** httpmw's UUID path parameters: 400 when malformed, then 404 when unknown. */
function uuidParam(call: Call, name: string): string | Reply {
  const value = call.params[name] ?? "";
  if (value === "") return fail(400, "Missing UUID in URL.", `${JSON.stringify(name)} URL param missing`);
  if (!isUuid(value)) return fail(400, `Invalid UUID ${JSON.stringify(name)}.`, uuidError(value));
  return value.toLowerCase();
}

function getTemplate(call: Call): Reply {
  const id = uuidParam(call, "template");
  if (typeof id !== "string") return id;
  const template = call.store.templates.find((t) => t.id === id);
  return template ? ok(templateJson(call.store, template)) : resourceNotFound();
}

function presets(call: Call): Reply {
  const id = uuidParam(call, "templateversion");
  if (typeof id !== "string") return id;
  const version = call.store.versions.get(id);
  return version ? ok(version.presets.map(presetJson)) : resourceNotFound();
}

function workspaceBuild(call: Call): Reply {
  const id = uuidParam(call, "workspacebuild");
  if (typeof id !== "string") return id;
  const found = call.store.buildById(id);
  return found ? ok(buildJson(call.store, found.task, found.build)) : resourceNotFound();
}
