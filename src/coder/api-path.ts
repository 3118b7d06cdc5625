// Route paths readable where they are called: apiPath`/api/v2/tasks/${owner}/${task}/send` encodes each value as
// one path segment, so that a value can never add a segment or climb out of the route.
import { InvalidInputError } from "./errors.js";

/** Encodes one path segment. `.`/`..` would be collapsed by URL parsing (even as %2E), so they are refused. */
export function encodeSegment(segment: string): string {
  if (segment === "" || segment === "." || segment === ".." || /^(%2e|\.){1,2}$/i.test(segment)) {
    throw new InvalidInputError(`"${segment}" cannot be used as a path segment`);
  }
  return encodeURIComponent(segment);
}

export function apiPath(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce((path, text, i) => path + encodeSegment(values[i - 1] as string) + text);
}
