// Tolerance for what models and strict-mode clients really send, applied to every tool's input once:
// `null` for an optional argument means it was left out, and a number sent as a numeric string ("30") is that
// number. Anything else is validated as strictly as before, and the error names the argument. The JSON Schema that
// tools/list shows is unchanged: a preprocess step is invisible to it.
import { z } from "zod";

const INTEGER_TEXT = /^[+-]?\d{1,16}$/;
const NUMBER_TEXT = /^[+-]?(\d{1,16}(\.\d*)?|\.\d+)$/;

/** The same shape, each field accepting the lenient forms above. */
export function lenientShape(shape: z.ZodRawShape): z.ZodRawShape {
  return Object.fromEntries(
    Object.entries(shape).map(([name, field]) => [name, lenientField(name, field as z.ZodType)]),
  );
}

function lenientField(name: string, field: z.ZodType): z.ZodType {
  const optional = field.safeParse(undefined).success;
  const numeric = jsonType(field);
  if (!optional && !numeric) return field;
  return z.preprocess((value, ctx) => {
    if (value === null && optional) return undefined;
    if (typeof value !== "string" || !numeric) return value;
    const text = value.trim();
    if ((numeric === "integer" ? INTEGER_TEXT : NUMBER_TEXT).test(text)) return Number(text);
    ctx.issues.push({
      code: "custom",
      message: `${name} must be ${numeric === "integer" ? "an integer" : "a number"} (got ${JSON.stringify(value.slice(0, 40))})`,
      input: value,
    });
    return z.NEVER;
  }, field);
}

/** "integer" or "number" when the field's JSON Schema says so; undefined for anything else. */
function jsonType(field: z.ZodType): "integer" | "number" | undefined {
  try {
    const type = (z.toJSONSchema(field, { io: "input", unrepresentable: "any" }) as { type?: unknown }).type;
    return type === "integer" || type === "number" ? type : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An optional argument for which "" means left out, as it did in Coder's own former task tools (`user`, `status`,
 * `template_version_preset_id`), so that calls written for those keep their meaning.
 */
export function blankAsAbsent<T extends z.ZodType>(field: T): T {
  return z.preprocess((value) => (value === "" ? undefined : value), field) as unknown as T;
}
