// HTTP plumbing shared by the routes: replies, codersdk.Response errors, Go-like JSON in and out, path segments.
import type { ValidationError } from "./types.js";

/** What a route answers; `body` undefined means no body and no Content-Type (202 on delete, 204). */
export interface Reply {
  status: number;
  body?: unknown;
}

export function ok(body: unknown, status = 200): Reply {
  return { status, body };
}

export function empty(status: number): Reply {
  return { status };
}

/** A codersdk.Response error; detail and validations are omitempty. */
export function fail(status: number, message: string, detail?: string, validations?: ValidationError[]): Reply {
  return {
    status,
    body: { message, ...(detail ? { detail } : {}), ...(validations?.length ? { validations } : {}) },
  };
}

/** httpapi.ResourceNotFound: every 404 carries this exact text. */
export function resourceNotFound(): Reply {
  return fail(404, "Resource not found or you do not have access to this resource");
}

export function routeNotFound(): Reply {
  return fail(404, "Route not found.");
}

/** Go's json.Encoder with SetEscapeHTML(true), as httpapi.Write uses it: <, > and & escaped, newline-terminated. */
export function goJson(value: unknown): string {
  const escapes: Record<string, string> = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
  };
  return `${JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => escapes[c] ?? c)}\n`;
}

/** JSON fields of a Go request struct: name -> Go type, for the decoder's error texts. */
export type GoFields = Record<string, "string" | "uuid.UUID">;

/**
 * httpapi.Read's json.Decoder into a Go struct: null or absent fields stay unset (undefined here), unknown
 * fields are ignored, keys match case-insensitively, and type mismatches are 400 "Request body must be valid JSON.",
 * as is a uuid.UUID field whose string is not a UUID (the error of its UnmarshalText).
 */
export function readBody(
  body: string,
  goType: string,
  fields: GoFields,
): { value: Record<string, string | undefined> } | { error: Reply } {
  const invalid = (detail: string) => ({ error: fail(400, "Request body must be valid JSON.", detail) });
  if (body.trim() === "") return invalid("EOF");
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    return invalid((err as Error).message);
  }
  if (parsed === null) return { value: {} };
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    return invalid(`json: cannot unmarshal ${goKind(parsed)} into Go value of type codersdk.${goType}`);
  }
  const entries = Object.entries(parsed);
  const value: Record<string, string | undefined> = {};
  for (const [field, fieldType] of Object.entries(fields)) {
    const found = entries.find(([k]) => k === field) ?? entries.find(([k]) => k.toLowerCase() === field);
    const v = found?.[1];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string") {
      return invalid(
        `json: cannot unmarshal ${goKind(v)} into Go struct field ${goType}.${field} of type ${fieldType}`,
      );
    }
    if (fieldType === "uuid.UUID" && !isUuid(v)) return invalid(uuidError(v));
    value[field] = v;
  }
  return { value };
}

function goKind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (typeof v === "boolean") return "bool";
  return typeof v;
}

/**
 * The path's segments, each percent-decoded on its own (so an encoded "/" stays inside its segment, as with chi).
 * A trailing slash is ignored, as chi's sub-routers do; a malformed escape is kept as it came.
 */
export function pathSegments(rawPath: string): string[] {
  const raw = rawPath.split("/").slice(1);
  if (raw.length > 1 && raw.at(-1) === "") raw.pop();
  return raw.map(decodeLeniently);
}

export function decodeLeniently(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string): boolean {
  return UUID_PATTERN.test(s);
}

export const NIL_UUID = "00000000-0000-0000-0000-000000000000";

/** google/uuid.Parse's error text, for the detail of an invalid UUID. */
export function uuidError(s: string): string {
  return [36, 38, 45, 32].includes(s.length) ? "invalid UUID format" : `invalid UUID length: ${s.length}`;
}
