// What the bin hands to the module that serves a transport, and how a process in either mode ends.
import type { CoderClient } from "../coder/client.js";
import type { Config } from "../config.js";
import type { Redact } from "../redact.js";
import type { Settings } from "../settings.js";

export interface Bin {
  settings: Settings;
  /** The deployment the server talks to: the user's, or the --demo simulator's. */
  config: Config;
  /** Absent when the configuration has a problem (config.problem says which). */
  coder?: CoderClient;
  redact: Redact;
  /** One line to stderr, redacted. */
  log(line: string): void;
}

/** The message alone: a stack trace is for developers, and may carry what the message was cleaned of. */
export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Calls `fatal` for an uncaught exception and for an unhandled rejection alike: a promise whose failure nobody
 * awaited leaves state as unknown as a throw does. (A notification to a client that has left is not one: those
 * sends are caught where they are made.)
 */
export function onUncaught(fatal: (err: unknown, what: string) => void): void {
  process.on("uncaughtException", (err) => fatal(err, "uncaught exception"));
  process.on("unhandledRejection", (reason) => fatal(reason, "unhandled rejection"));
}

/** Exits with `code` once `closing` settles, or after `graceMs` regardless: open sockets must not keep it alive. */
export function exitAfter(closing: Promise<unknown>, code: number, graceMs: number): void {
  const timer = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
  void Promise.race([closing.catch(() => {}), timer]).then(() => process.exit(code));
}
