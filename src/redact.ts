// Secrets never leave the process: every text that goes out (results, errors, logs) passes through a redactor.

export type Redact = (text: string) => string;

export function redactor(secrets: Array<string | undefined>): Redact {
  // A Coder token is `<id>-<secret>`: the secret alone is as sensitive as the whole. Short values would mangle
  // ordinary text and are not real tokens anyway.
  const values = secrets
    .flatMap((s) => (s ? [s, s.slice(s.indexOf("-") + 1)] : []))
    .filter((s) => s.length >= 8)
    .sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => values.reduce((out, secret) => out.split(secret).join("[REDACTED]"), text);
}
