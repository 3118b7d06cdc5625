// Tool input schemas as three kinds of model client take them: OpenAI function calling in strict mode, Gemini
// function declarations, and VS Code's schema normaliser (the Copilot chat extension's, which every MCP tool passes
// through before a model sees it). A schema that breaks one of these rules makes the client refuse the tool or the
// model API answer 400, usually with no word on which tool.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { Ajv } from "ajv";
import { type Connected, callTool, connect } from "./harness.js";

type Schema = Record<string, unknown>;
type Problem = string;

/** Every sub-schema with its path, depth first. */
function* nodes(schema: Schema, path = "#", depth = 0): Generator<{ node: Schema; path: string; depth: number }> {
  yield { node: schema, path, depth };
  for (const [key, value] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
    yield* nodes(value, `${path}/properties/${key}`, depth + 1);
  }
  if (schema.items && typeof schema.items === "object")
    yield* nodes(schema.items as Schema, `${path}/items`, depth + 1);
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    for (const [i, s] of ((schema[key] as Schema[] | undefined) ?? []).entries()) {
      yield* nodes(s, `${path}/${key}/${i}`, depth + 1);
    }
  }
}

// OpenAI strict mode, as its Structured Outputs guide documents it: the supported keywords (minLength and maxLength
// are among those it does not support), every object closed and with every property required, optional ones
// nullable, string formats from a short list, at most 10 levels of nesting and 5 000 properties.
const OPENAI_KEYWORDS = new Set([
  "type",
  "description",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "enum",
  "const",
  "anyOf",
  "$ref",
  "$defs",
  "pattern",
  "format",
  "multipleOf",
  "maximum",
  "exclusiveMaximum",
  "minimum",
  "exclusiveMinimum",
  "minItems",
  "maxItems",
]);
const OPENAI_FORMATS = new Set(["date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"]);
/** Checked by this server itself, and dropped by clients that send a schema in strict mode (as VS Code does). */
const OPENAI_DROPPED = ["$schema", "minLength", "maxLength"];

/**
 * The usual conversion to a strict schema: every property required, an optional one made nullable (anyOf with null,
 * which keeps its enum valid), every object closed, and what strict mode does not take dropped.
 */
function toOpenAIStrict(schema: Schema): Schema {
  const out: Schema = Object.fromEntries(Object.entries(schema).filter(([k]) => !OPENAI_DROPPED.includes(k)));
  if (schema.items) out.items = toOpenAIStrict(schema.items as Schema);
  if (schema.type === "object") {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const required = new Set((schema.required ?? []) as string[]);
    out.properties = Object.fromEntries(
      Object.entries(properties).map(([key, value]) => {
        const strict = toOpenAIStrict(value);
        if (required.has(key)) return [key, strict];
        const { description, ...rest } = strict;
        return [key, { ...(description ? { description } : {}), anyOf: [rest, { type: "null" }] }];
      }),
    );
    out.required = Object.keys(properties);
    out.additionalProperties = false;
  }
  return out;
}

function openAIStrictProblems(tool: Tool): Problem[] {
  const problems: Problem[] = [];
  if (!/^[a-zA-Z0-9_-]{1,64}$/.test(tool.name)) problems.push("name: letters, digits, _ and -, at most 64");
  const schema = toOpenAIStrict(tool.inputSchema as Schema);
  if (schema.type !== "object" || schema.anyOf) problems.push("#: the root must be an object, not anyOf");
  let properties = 0;
  for (const { node, path, depth } of nodes(schema)) {
    for (const key of Object.keys(node)) if (!OPENAI_KEYWORDS.has(key)) problems.push(`${path}: ${key} not supported`);
    if (typeof node.format === "string" && !OPENAI_FORMATS.has(node.format))
      problems.push(`${path}: format ${node.format}`);
    if (depth > 10) problems.push(`${path}: nested deeper than 10 levels`);
    if (node.type === "object") {
      const keys = Object.keys((node.properties ?? {}) as Schema);
      properties += keys.length;
      if (node.additionalProperties !== false) problems.push(`${path}: additionalProperties must be false`);
      assert.deepEqual([...((node.required ?? []) as string[])].sort(), keys.sort(), `${path}: all required`);
    }
    if (node.type === "array" && !node.items) problems.push(`${path}: an array needs items`);
  }
  if (properties > 5000) problems.push("more than 5 000 properties");
  return problems;
}

// Gemini function declarations take a subset of the OpenAPI 3.0 schema object: these keywords, one type per schema
// (nullable instead of a type list), enums of strings. Client libraries (the AI SDK's Google provider, LangChain's)
// drop $schema and additionalProperties, which Gemini refuses, before sending.
const GEMINI_KEYWORDS = new Set([
  "type",
  "format",
  "title",
  "description",
  "nullable",
  "enum",
  "maxItems",
  "minItems",
  "properties",
  "required",
  "minProperties",
  "maxProperties",
  "minLength",
  "maxLength",
  "pattern",
  "example",
  "anyOf",
  "propertyOrdering",
  "default",
  "items",
  "minimum",
  "maximum",
]);
const GEMINI_TYPES = new Set(["string", "number", "integer", "boolean", "array", "object"]);
const GEMINI_DROPPED = ["$schema", "additionalProperties"];

function geminiProblems(tool: Tool): Problem[] {
  const problems: Problem[] = [];
  if (!/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/.test(tool.name)) problems.push("name: a letter or _ first, at most 64");
  for (const { node, path } of nodes(tool.inputSchema as Schema)) {
    for (const key of Object.keys(node)) {
      if (!GEMINI_KEYWORDS.has(key) && !GEMINI_DROPPED.includes(key)) problems.push(`${path}: ${key} not supported`);
    }
    if (node.anyOf === undefined && !GEMINI_TYPES.has(node.type as string)) {
      problems.push(`${path}: type ${JSON.stringify(node.type)} is not one OpenAPI type`);
    }
    if (node.enum && (node.type !== "string" || !(node.enum as unknown[]).every((v) => typeof v === "string"))) {
      problems.push(`${path}: enum must be strings`);
    }
    if (node.type === "object") {
      const keys = Object.keys((node.properties ?? {}) as Schema);
      for (const name of (node.required ?? []) as string[]) {
        if (!keys.includes(name)) problems.push(`${path}: required ${name} is not a property`);
      }
    }
    if (node.type === "array" && !node.items) problems.push(`${path}: an array needs items`);
  }
  return problems;
}

// VS Code's normaliser (toolSchemaNormalizer.ts in the Copilot chat extension): it refuses a tool whose schema is not
// valid draft-07 or has an array without items, and otherwise fixes: a parameters object without type object or
// properties, an empty description, top-level oneOf/anyOf/allOf/not/if/then/else, required names that are not
// properties, type lists for Gemini models (to nullable), and for GPT-4-family models descriptions over 1 024
// characters and the keywords below, which it deletes.
const VSCODE_GPT4_DROPPED = new Set([
  "minLength",
  "maxLength",
  "pattern",
  "default",
  "format",
  "minimum",
  "maximum",
  "multipleOf",
  "patternProperties",
  "unevaluatedProperties",
  "propertyNames",
  "minProperties",
  "maxProperties",
  "unevaluatedItems",
  "contains",
  "minContains",
  "maxContains",
  "minItems",
  "maxItems",
  "uniqueItems",
]);
const draft07 = new Ajv({ strict: false, allowUnionTypes: true }).getSchema("http://json-schema.org/draft-07/schema");

/** What VS Code's normaliser would refuse ("error: ...") or change, for a model family. */
function vscodeFindings(tool: Tool, family: "gpt-4.1" | "claude-sonnet-4" | "gemini-2.5-pro"): Problem[] {
  const found: Problem[] = [];
  const schema = tool.inputSchema as Schema;
  assert.ok(draft07);
  if (!draft07(schema)) found.push(`error: not draft-07: ${JSON.stringify(draft07.errors)}`);
  if (schema.type !== "object" || !schema.properties) found.push("fix: parameters must be an object with properties");
  if (!tool.description) found.push("fix: empty description");
  for (const key of ["oneOf", "anyOf", "allOf", "not", "if", "then", "else"]) {
    if (key in schema) found.push(`fix: top-level ${key}`);
  }
  for (const { node, path } of nodes(schema)) {
    if (node.type === "array" && !node.items) found.push(`error: ${path}: array without items`);
    if (node.type === "object") {
      const keys = Object.keys((node.properties ?? {}) as Schema);
      for (const name of (node.required ?? []) as string[]) {
        if (!keys.includes(name)) found.push(`fix: ${path}: required ${name} is not a property`);
      }
    }
    if (family.startsWith("gemini") && Array.isArray(node.type)) found.push(`fix: ${path}: type list`);
    if (family.startsWith("gpt-4")) {
      if (typeof node.description === "string" && node.description.length > 1024) found.push(`fix: ${path}: long`);
      for (const key of Object.keys(node)) if (VSCODE_GPT4_DROPPED.has(key)) found.push(`drop: ${key}`);
    }
  }
  return found;
}

describe("tool input schemas in model clients", () => {
  let c: Connected;
  let tools: Tool[];
  before(async () => {
    c = await connect({});
    tools = (await c.client.listTools()).tools;
    assert.equal(tools.length, 11);
  });
  after(() => c.close());

  it("OpenAI function calling, strict mode: every schema converts to one strict mode accepts", () => {
    for (const tool of tools) assert.deepEqual(openAIStrictProblems(tool), [], tool.name);
  });

  it("the strict conversion keeps every argument and each one's meaning", () => {
    for (const tool of tools) {
      const before = tool.inputSchema as Schema;
      const after = toOpenAIStrict(before) as { properties: Record<string, Schema> };
      assert.deepEqual(Object.keys(after.properties), Object.keys(before.properties ?? {}), tool.name);
      for (const [name, original] of Object.entries((before.properties ?? {}) as Record<string, Schema>)) {
        const converted = after.properties[name] as Schema;
        const inner = (converted.anyOf as Schema[] | undefined)?.[0] ?? converted;
        assert.equal(inner.type, original.type, `${tool.name}.${name}`);
        assert.deepEqual(inner.enum, original.enum, `${tool.name}.${name}`);
      }
    }
  });

  it("Gemini function declarations: only the OpenAPI subset, once $schema and additionalProperties are dropped", () => {
    for (const tool of tools) assert.deepEqual(geminiProblems(tool), [], tool.name);
  });

  it("VS Code's normaliser: nothing refused or changed for Claude and Gemini models", () => {
    for (const tool of tools) {
      assert.deepEqual(vscodeFindings(tool, "claude-sonnet-4"), [], tool.name);
      assert.deepEqual(vscodeFindings(tool, "gemini-2.5-pro"), [], tool.name);
    }
  });

  it("VS Code's normaliser for GPT-4 models drops only length and range limits, which the server checks itself", async () => {
    const dropped = new Set(tools.flatMap((tool) => vscodeFindings(tool, "gpt-4.1")));
    assert.deepEqual([...dropped].sort(), ["drop: maxLength", "drop: maximum", "drop: minLength", "drop: minimum"]);
    // The same limits, enforced without the schema: each call is refused by name before anything is sent.
    for (const [name, args, argument] of [
      ["coder_get_task", { task_id: "" }, "task_id"],
      ["coder_get_task", { task_id: "x".repeat(201) }, "task_id"],
      ["coder_create_task", { input: "x", display_name: "x".repeat(65) }, "display_name"],
      ["coder_wait_for_task", { task_id: "x", timeout_seconds: 601 }, "timeout_seconds"],
      ["coder_get_task_logs", { task_id: "x", limit: 0 }, "limit"],
    ] as const) {
      const outcome = await callTool(c.client, name, args);
      assert.equal(outcome.isError, true, `${name} ${JSON.stringify(args)}`);
      assert.match(outcome.text, new RegExp(argument), outcome.text);
    }
  });
});
