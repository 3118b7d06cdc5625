// The one start-up line: which deployment, which Coder version, which user; or, when that cannot be told, why, in
// words per cause (not Coder, unreachable, no answer, not signed in).
import type { CoderClient } from "./coder/client.js";
import {
  CoderApiError,
  CoderTimeoutError,
  CoderUnreachableError,
  describeFailure,
  NotCoderError,
} from "./coder/errors.js";
import { isSupported, SUPPORTED_VERSIONS } from "./coder/versions.js";
import type { Config } from "./config.js";
import { notCoderText } from "./format/error-text.js";

export async function describeDeployment(coder: CoderClient, config: Config): Promise<string> {
  const [info, me] = await Promise.allSettled([coder.getBuildInfo(), coder.getUser("me")]);
  const url = config.coderUrl?.href.replace(/\/$/, "");
  const from = `(${config.source})`;
  // The deployment itself failed: who the user is cannot be known, and "not signed in" would mislead.
  const down = info.status === "rejected" ? deploymentProblem(info.reason, url) : undefined;
  if (down) return `${down} ${from}`;
  const version = info.status === "fulfilled" ? `Coder ${info.value.version}` : "Coder (version unknown)";
  const unsupported =
    info.status === "fulfilled" && !isSupported(info.value.version) ? ` (not supported: ${SUPPORTED_VERSIONS})` : "";
  const where = `${version} at ${url}`;
  if (me.status === "fulfilled") return `${where} as ${me.value.username} ${from}${unsupported}`;
  return `${where}, ${userProblem(me.reason)} ${from}${unsupported}`;
}

function deploymentProblem(err: unknown, url: string | undefined): string | undefined {
  if (err instanceof NotCoderError) return notCoderText(err);
  if (err instanceof CoderUnreachableError) {
    return `cannot reach Coder at ${url} (${err.code}): check CODER_URL and that the deployment is up and reachable from here`;
  }
  if (err instanceof CoderTimeoutError) {
    return `Coder at ${url} did not answer within ${err.timeoutMs / 1000} s (CODER_TASKS_MCP_TIMEOUT_SECONDS)`;
  }
  return undefined;
}

function userProblem(err: unknown): string {
  if (err instanceof CoderApiError && err.status === 401) {
    return `not signed in: Coder refused the session token (401 ${err.message}); set CODER_SESSION_TOKEN or run \`coder login\``;
  }
  return `signed-in user unknown: ${describeFailure(err)}`;
}
