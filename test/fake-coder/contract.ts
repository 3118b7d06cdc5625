// The contract: test/contract/tasks-openapi.json (Coder's OpenAPI subset), with its x-coder-wire-notes applied to the definitions,
// compiled with Ajv so that every body the fake sends can be checked against it.
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

export const SPEC_URL = new URL("../contract/tasks-openapi.json", import.meta.url);

type Schema = Record<string, unknown>;

interface Spec {
  paths: Record<string, Record<string, { responses: Record<string, { schema?: Schema }> }>>;
  definitions: Record<string, Schema>;
}

export interface Contract {
  /** Why a success body of `operation` (e.g. "GET /api/v2/tasks/{user}/{task}") breaks the contract, if it does. */
  checkSuccess(operation: string, body: unknown): string | undefined;
  /** Why an error body is not a codersdk.Response, if it is not. */
  checkError(body: unknown): string | undefined;
}

let loaded: Contract | undefined;

/** Compiled once per process: every fake shares it. */
export function loadContract(): Contract {
  loaded ??= compile(JSON.parse(readFileSync(SPEC_URL, "utf8")) as Spec);
  return loaded;
}

function compile(spec: Spec): Contract {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  // Template.organization_name carries a swaggo `format:"url"` tag, but holds an organization name such as
  // "coder". "url" is not a JSON Schema format (ajv-formats adds it), so, like other validators, ignore it.
  ajv.addFormat("url", true);
  ajv.addSchema({ $id: "coder", definitions: withWireNotes(spec.definitions) });
  const compileRef = (schema: Schema) =>
    ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/definitions/', '"coder#/definitions/')));

  const success = new Map<string, ValidateFunction>();
  for (const [path, operations] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const schema = Object.entries(operation.responses).find(([code, r]) => code.startsWith("2") && r.schema)?.[1]
        .schema;
      if (schema) success.set(`${method.toUpperCase()} ${path}`, compileRef(schema));
    }
  }
  const response = compileRef({ $ref: "#/definitions/codersdk.Response" });
  const explain = (validate: ValidateFunction, body: unknown) =>
    validate(body) ? undefined : ajv.errorsText(validate.errors, { dataVar: "body" });

  return {
    checkSuccess(operation, body) {
      const validate = success.get(operation);
      return validate ? explain(validate, body) : `the contract has no success body for ${operation}`;
    },
    checkError: (body) => explain(response, body),
  };
}

/** The x-coder-wire-notes: where the JSON on the wire differs from the generated definitions. */
function withWireNotes(definitions: Record<string, Schema>): Record<string, Schema> {
  const defs = structuredClone(definitions);
  // "uuid.NullUUID": a UUID string or null, not the {uuid, valid} object.
  defs["uuid.NullUUID"] = { type: ["string", "null"], format: "uuid" };
  // "codersdk.Preset": no json tags in Go, so PascalCase keys; DesiredPrebuildInstances is an int or null.
  defs["codersdk.Preset"] = pascalCase(definition(defs, "codersdk.Preset"));
  defs["codersdk.PresetParameter"] = pascalCase(definition(defs, "codersdk.PresetParameter"));
  properties(definition(defs, "codersdk.Preset")).DesiredPrebuildInstances = { type: ["integer", "null"] };
  // "codersdk.TaskState": v2.28 to v2.31.x send an agent's failure as "failure", as the app status has it.
  const state = definition(defs, "codersdk.TaskState");
  state.enum = [...(state.enum as string[]), "failure"];
  // "nullable": these Task fields are null when unknown.
  const task = properties(definition(defs, "codersdk.Task"));
  for (const key of ["current_state", "workspace_agent_lifecycle", "workspace_agent_health"]) {
    task[key] = { anyOf: [{ type: "null" }, task[key]] };
  }
  return defs;
}

function pascalCase(schema: Schema): Schema {
  const renamed = Object.entries(properties(schema)).map(([key, value]) => [
    key === "id" ? "ID" : key.charAt(0).toUpperCase() + key.slice(1),
    value,
  ]);
  return { ...schema, properties: Object.fromEntries(renamed) };
}

function definition(defs: Record<string, Schema>, name: string): Schema {
  const schema = defs[name];
  if (!schema) throw new Error(`tasks-openapi.json has no definition ${name}`);
  return schema;
}

function properties(schema: Schema): Record<string, unknown> {
  return schema.properties as Record<string, unknown>;
}
