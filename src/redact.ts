// Secrets never leave the process: every message that goes out (results, errors, notifications, dialogs, stderr)
// passes through a redactor, last, after the hidden characters that could split a secret were removed.

export type Redact = (text: string) => string;

export function redactor(secrets: Array<string | undefined>): Redact {
  // A Coder token is `<id>-<secret>`: the secret alone is as sensitive as the whole. Short values would mangle
  // ordinary text and are not real tokens anyway.
  const values = secrets.flatMap((s) => (s ? [s, s.slice(s.indexOf("-") + 1)] : [])).filter((s) => s.length >= 8);
  const forms = [...new Set(values.flatMap(secretForms))].sort((a, b) => b.length - a.length);
  if (forms.length === 0) return (text) => text;
  // Case-insensitive: a proxy that upper-cases a header value still echoes the secret.
  const pattern = new RegExp(forms.map(escapeRegExp).join("|"), "gi");
  return (text) => text.replace(pattern, "[REDACTED]");
}

/**
 * The value and its base64 forms, standard and URL-safe: base64 of a value depends on its offset in the encoded
 * data, so each of the three alignments contributes the part of its encoding that the surrounding bytes cannot change
 * (what `Authorization: Basic` or a JWT-like blob would show of it).
 */
function secretForms(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  const forms = [value];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    const start = [0, 2, 3][offset] as number;
    const end = Math.floor((offset + bytes.length) / 3) * 4;
    const stable = encoded.slice(start, end);
    if (stable.length >= 8) forms.push(stable, stable.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return forms;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}
