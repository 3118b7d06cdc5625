// Secrets never leave the process: every text that goes out (results, errors, logs) passes through a redactor.

export type Redact = (text: string) => string;

export function redactor(secrets: Array<string | undefined>): Redact {
  // Short values would mangle ordinary text and are not real tokens anyway.
  const values = secrets.filter((s): s is string => typeof s === "string" && s.length >= 8);
  if (values.length === 0) return (text) => text;
  return (text) => values.reduce((out, secret) => out.split(secret).join("[REDACTED]"), text);
}
