// Task names: codersdk.NameValid, and coderd/taskname's generation when the request has no name.
import { randomInt } from "node:crypto";

const NAME_PATTERN = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/;

/** codersdk.NameValid: undefined when valid, else the reason (the 400's detail). */
export function nameProblem(name: string): string | undefined {
  if (Buffer.byteLength(name) > 32) return "must be <= 32 characters";
  if (name.length < 1) return "must be >= 1 character";
  if (name === "new" || name === "create") return `cannot use ${JSON.stringify(name)} as a name`;
  if (!NAME_PATTERN.test(name)) return "must be alphanumeric with hyphens";
  return undefined;
}

/** Without ANTHROPIC_API_KEY: from the prompt (27 characters of whole words, lower-cased) or a random name, plus `-xxxx`. */
export function generateTaskName(prompt: string): { name: string; displayName: string } {
  const text = prompt.replace(/[\n\r\t]+/g, " ");
  const base = truncate(text, 27, { fullWords: true })
    .toLowerCase()
    .replace(/\s+/g, "-")
    .replace(/[^a-z0-9-]+/g, "")
    .replace(/-+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (base === "") return randomName();
  const displayName = truncate(text, 64, { fullWords: true, ellipsis: true }).trim() || base.replaceAll("-", " ");
  return { name: `${base}-${suffix()}`, displayName: capitalize(displayName) };
}

function randomName(): { name: string; displayName: string } {
  const adjectives = ["brave", "eager", "focused", "gifted", "quirky", "serene"];
  const scientists = ["hopper", "lovelace", "noether", "ritchie", "shannon", "turing"];
  const base = `${pick(adjectives)}-${pick(scientists)}`;
  return { name: `${base}-${suffix()}`, displayName: capitalize(base.replaceAll("-", " ")) };
}

/** coderd/util/strings.Truncate: at most n runes; whole words cut at the last space; "…" counts as one. */
function truncate(s: string, n: number, opts: { fullWords?: boolean; ellipsis?: boolean }): string {
  const runes = Array.from(s);
  if (runes.length <= n) return s;
  const prefix = runes.slice(0, opts.ellipsis ? n - 1 : n).join("");
  const boundary = opts.fullWords ? prefix.search(/\s\S*$/) : -1;
  return (boundary < 0 ? prefix : prefix.slice(0, boundary)) + (opts.ellipsis ? "…" : "");
}

function suffix(): string {
  return randomInt(0x10000).toString(16).padStart(4, "0");
}

function pick(words: string[]): string {
  return words[randomInt(words.length)] ?? "";
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
