// Configuration from the environment and the coder CLI's login files. Problems name the variable to set and never
// echo a token.
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { isLoopbackHost } from "./loopback.js";

export interface Config {
  /** The deployment, without a trailing slash; absent when not configured. */
  coderUrl?: URL;
  token?: string;
  /** Where the URL and token came from, for the start-up line. */
  source: string;
  timeoutMs: number;
  /** Characters of log content one result may carry. */
  logMaxChars: number;
  /** How often subscribed resources are polled. */
  pollIntervalMs: number;
  /** Tool results also carry resource_link content (--resource-links, CODER_TASKS_MCP_RESOURCE_LINKS=1). */
  resourceLinks: boolean;
  /** Bytes of one response body from Coder at most. */
  maxBodyBytes: number;
  /** Why no request can be made, in words that say what to set; absent when configured. */
  problem?: string;
  /** What the user should know but that does not stop the server. */
  warnings: string[];
}

export type Env = Record<string, string | undefined>;

const DEFAULT_TIMEOUT_SECONDS = 30;
const DEFAULT_LOG_MAX_CHARS = 16_000;
const DEFAULT_POLL_SECONDS = 5;
const DEFAULT_MAX_BODY_MB = 32;

/** The coder CLI's config dir (cli/config DefaultDir, kirsle/configdir). */
export function coderConfigDir(env: Env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (env.CODER_CONFIG_DIR) return env.CODER_CONFIG_DIR;
  if (platform === "darwin") return join(home, "Library", "Application Support", "coderv2");
  if (platform === "win32") return join(env.APPDATA ?? join(home, "AppData", "Roaming"), "coderv2");
  return join(env.XDG_CONFIG_HOME || join(home, ".config"), "coderv2");
}

function readTrimmed(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Parses a deployment URL: http(s) only, no credentials, query or fragment; a path prefix is kept. */
export function parseCoderUrl(raw: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password) return undefined;
  if (url.search || url.hash) return undefined;
  url.pathname = url.pathname.replace(/\/+$/, "");
  return url;
}

/** A numeric setting: the default when unset, a problem that names the variable when out of range. */
function numberSetting(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
): { value: number; problem?: string } {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return { value: fallback };
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    return { value: fallback, problem: `${name} must be a number from ${min} to ${max} (got "${raw}").` };
  }
  return { value };
}

/** A yes/no setting: 1/true/yes or 0/false/no (any case); a problem that names the variable otherwise. */
function booleanSetting(env: Env, name: string): { value: boolean; problem?: string } {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return { value: false };
  if (["1", "true", "yes", "on"].includes(raw)) return { value: true };
  if (["0", "false", "no", "off"].includes(raw)) return { value: false };
  return { value: false, problem: `${name} must be 1 or 0 (got "${env[name]}").` };
}

export function loadConfig(env: Env, configDir = coderConfigDir(env)): Config {
  const timeout = numberSetting(env, "CODER_TASKS_MCP_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS, 0.1, 3600);
  const logMax = numberSetting(env, "CODER_TASKS_MCP_LOG_MAX_CHARS", DEFAULT_LOG_MAX_CHARS, 1000, 1_000_000);
  const poll = numberSetting(env, "CODER_TASKS_MCP_POLL_SECONDS", DEFAULT_POLL_SECONDS, 0.05, 3600);
  const links = booleanSetting(env, "CODER_TASKS_MCP_RESOURCE_LINKS");
  const maxBody = numberSetting(env, "CODER_TASKS_MCP_MAX_BODY_MB", DEFAULT_MAX_BODY_MB, 1, 4096);
  const fileUrl = readTrimmed(join(configDir, "url"));
  const rawUrl = env.CODER_URL?.trim() || fileUrl;
  const urlFrom = env.CODER_URL?.trim() ? "CODER_URL" : `${join(configDir, "url")} (coder login)`;
  const base = {
    source: "",
    timeoutMs: timeout.value * 1000,
    logMaxChars: Math.floor(logMax.value),
    pollIntervalMs: poll.value * 1000,
    resourceLinks: links.value,
    maxBodyBytes: Math.floor(maxBody.value * 1024 * 1024),
    warnings: [] as string[],
  };

  if (!rawUrl) {
    return {
      ...base,
      problem:
        "No Coder deployment is configured: set CODER_URL to its address (e.g. https://coder.example.com) and " +
        "CODER_SESSION_TOKEN to a session token (`coder tokens create`), or run `coder login` on this machine.",
    };
  }
  const coderUrl = parseCoderUrl(rawUrl);
  if (!coderUrl) {
    return {
      ...base,
      problem: `${urlFrom} is not a valid deployment URL: set CODER_URL to an http:// or https:// address without credentials, query or fragment (e.g. https://coder.example.com).`,
    };
  }

  if (coderUrl.protocol === "http:" && !isLoopbackHost(coderUrl.hostname)) {
    base.warnings.push(
      `${coderUrl.origin} is plain http: the session token crosses the network unencrypted. Use https:// unless this network is trusted.`,
    );
  }

  // The session file belongs to the deployment in the url file: never send it to another one.
  const fileUrlMatches = fileUrl !== undefined && parseCoderUrl(fileUrl)?.origin === coderUrl.origin;
  const envToken = env.CODER_SESSION_TOKEN?.trim();
  const token = envToken || (fileUrlMatches ? readTrimmed(join(configDir, "session")) : undefined);
  const tokenFrom = envToken ? "CODER_SESSION_TOKEN" : "coder login";
  const source = `URL from ${env.CODER_URL?.trim() ? "CODER_URL" : "coder login"}, token from ${tokenFrom}`;

  if (!token) {
    return {
      ...base,
      coderUrl,
      source,
      problem:
        `No Coder session token for ${coderUrl.origin}: set CODER_SESSION_TOKEN (create one with \`coder tokens create\`) ` +
        "or run `coder login` (on macOS and Windows, `coder login` keeps the token in the OS keyring: pass it with " +
        "CODER_SESSION_TOKEN, e.g. from `coder login token`).",
    };
  }
  return {
    ...base,
    coderUrl,
    token,
    source,
    problem: timeout.problem ?? logMax.problem ?? poll.problem ?? links.problem ?? maxBody.problem,
  };
}
