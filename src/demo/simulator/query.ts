// The `q` search grammar of coderd/searchquery (searchTerms) and the query-param parser behind it (httpapi).
import { isUuid } from "./http.js";
import type { UserRecord } from "./model.js";
import type { Store } from "./store.js";
import type { ValidationError } from "./types.js";

type Terms = Map<string, string[]>;

/** Splits on `delimiter` outside double quotes, dropping empty fields (Go strings.FieldsFunc). */
function splitOutsideQuotes(s: string, delimiter: string, keepQuotes: boolean): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (const ch of s) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === delimiter) {
      if (current !== "") parts.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  if (current !== "") parts.push(current);
  return keepQuotes ? parts : parts.map((p) => p.replace(/^"+|"+$/g, ""));
}

/** key:value terms; terms without ':' are joined with spaces into one value for `defaultKey`. */
function searchTerms(query: string, defaultKey: string): { terms: Terms } | { errors: ValidationError[] } {
  const terms: Terms = new Map();
  const add = (key: string, value: string) => terms.set(key, [...(terms.get(key) ?? []), value]);
  const tokens = splitOutsideQuotes(query, " ", true);
  const bare = tokens.filter((t) => !t.includes(":"));
  const elements = [...tokens.filter((t) => t.includes(":")), ...(bare.length ? [bare.join(" ")] : [])];
  for (const element of elements) {
    if (element.startsWith(":") || element.endsWith(":")) {
      return { errors: [{ field: "q", detail: `Query element ${goQuote(element)} cannot start or end with ':'` }] };
    }
    const parts = splitOutsideQuotes(element, ":", false);
    if (parts.length > 2) {
      return { errors: [{ field: "q", detail: `Query element ${goQuote(element)} can only contain 1 ':'` }] };
    }
    const [key = "", value] = parts;
    if (value === undefined) add(defaultKey, element);
    else add(key.toLowerCase(), value);
  }
  return { terms };
}

/** httpapi.QueryParamParser: reads the first value of each key, collects errors, and flags keys nobody read. */
class Parser {
  readonly errors: ValidationError[] = [];
  private readonly read = new Set<string>();

  constructor(private readonly terms: Terms) {}

  /** The first value; "" when absent (Go's url.Values.Get). */
  string(key: string): string {
    this.read.add(key);
    return this.terms.get(key)?.[0] ?? "";
  }

  /** ParseCustom: `parse` returns the value or throws the reason. */
  custom<T>(key: string, parse: (v: string) => T): T | undefined {
    const v = this.string(key);
    if (v === "") return undefined;
    try {
      return parse(v);
    } catch (err) {
      this.errors.push({
        field: key,
        detail: `Query param ${goQuote(key)} has invalid value: ${(err as Error).message}`,
      });
      return undefined;
    }
  }

  /** NullableBoolean / Boolean with strconv.ParseBool. */
  boolean(key: string): boolean | undefined {
    const v = this.string(key);
    if (v === "") return undefined;
    if (["1", "t", "true"].includes(v)) return true;
    if (["0", "f", "false"].includes(v)) return false;
    const reason = `strconv.ParseBool: parsing ${goQuote(v)}: invalid syntax`;
    this.errors.push({ field: key, detail: `Query param ${goQuote(key)} must be a valid boolean: ${reason}` });
    return undefined;
  }

  /** UUID: one UUID. */
  uuid(key: string): string | undefined {
    const v = this.string(key);
    if (v === "") return undefined;
    if (isUuid(v)) return v.toLowerCase();
    this.errors.push({ field: key, detail: `Query param ${goQuote(key)} must be a valid uuid` });
    return undefined;
  }

  /** UUIDs: a comma-separated list. */
  uuids(key: string): string[] | undefined {
    const v = this.string(key);
    if (v === "") return undefined;
    const values = v.split(",").map((s) => s.trim());
    const bad = values.filter((s) => !isUuid(s));
    if (bad.length) {
      this.errors.push({ field: key, detail: `Query param ${goQuote(key)} has invalid values: ${bad.join(",")}` });
    }
    return values.map((s) => s.toLowerCase());
  }

  /** ErrorExcessParams. */
  finish(): ValidationError[] {
    for (const key of this.terms.keys()) {
      if (!this.read.has(key)) {
        this.errors.push({ field: key, detail: `${goQuote(key)} is not a valid query param` });
      }
    }
    return this.errors;
  }
}

function userId(store: Store, actor: UserRecord, v: string): string {
  if (v === "me") return actor.id;
  if (isUuid(v)) return v.toLowerCase();
  const user = store.userByName(v);
  if (!user) throw new Error(`user ${goQuote(v)} either does not exist, or you are unauthorized to view them`);
  return user.id;
}

function organizationId(store: Store, v: string): string {
  if (isUuid(v)) return v.toLowerCase();
  const org = store.organizationByNameOrId(v);
  if (!org) throw new Error(`organization ${goQuote(v)} either does not exist, or you are unauthorized to view it`);
  return org.id;
}

export interface TasksFilter {
  ownerId?: string;
  organizationId?: string;
  /** Not validated by the parser: an unknown value fails later, in the database's enum cast. */
  status?: string;
}

/** searchquery.Tasks: owner, organization and status; a bare term is an owner. The whole query is lower-cased. */
export function parseTasksQuery(
  q: string,
  store: Store,
  actor: UserRecord,
): { filter: TasksFilter } | { errors: ValidationError[] } {
  if (q === "") return { filter: {} };
  const parsed = searchTerms(q.toLowerCase(), "owner");
  if ("errors" in parsed) return parsed;
  const p = new Parser(parsed.terms);
  const filter: TasksFilter = {
    ownerId: p.custom("owner", (v) => userId(store, actor, v)),
    organizationId: p.custom("organization", (v) => organizationId(store, v)),
    status: p.string("status") || undefined,
  };
  const errors = p.finish();
  return errors.length ? { errors } : { filter };
}

export interface TemplatesFilter {
  deleted: boolean;
  organizationId?: string;
  exactName: string;
  exactDisplayName: string;
  fuzzyName: string;
  fuzzyDisplayName: string;
  ids?: string[];
  deprecated?: boolean;
  hasAiTask?: boolean;
  authorId?: string;
  /** `author:` is a plain username match: an unknown one matches nothing rather than failing. */
  authorName?: string;
  hasExternalAgent?: boolean;
}

/** searchquery.Templates; a bare term is a display name. */
export function parseTemplatesQuery(
  q: string,
  store: Store,
  actor: UserRecord,
): { filter: TemplatesFilter } | { errors: ValidationError[] } {
  const parsed = searchTerms(q.toLowerCase(), "display_name");
  if ("errors" in parsed) return parsed;
  const p = new Parser(parsed.terms);
  const author = p.string("author");
  const authorId = p.uuid("author_id");
  const filter: TemplatesFilter = {
    deleted: p.boolean("deleted") ?? false,
    organizationId: p.custom("organization", (v) => organizationId(store, v)),
    exactName: p.string("exact_name"),
    exactDisplayName: p.string("exact_display_name"),
    fuzzyName: p.string("name"),
    fuzzyDisplayName: p.string("display_name"),
    ids: p.uuids("ids"),
    deprecated: p.boolean("deprecated"),
    hasAiTask: p.boolean("has-ai-task"),
    authorId: author === "me" ? actor.id : authorId,
    authorName: author === "me" ? undefined : author || undefined,
    hasExternalAgent: p.boolean("has_external_agent"),
  };
  const errors = p.finish();
  return errors.length ? { errors } : { filter };
}

/** Go's %q for the plain strings these messages quote. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}
