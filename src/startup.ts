// The one start-up line: which deployment, which Coder version, which user.
import type { CoderClient } from "./coder/client.js";
import { CoderApiError } from "./coder/errors.js";
import { isSupported, SUPPORTED_VERSIONS } from "./coder/versions.js";
import type { Config } from "./config.js";

export async function describeDeployment(coder: CoderClient, config: Config): Promise<string> {
  const [info, me] = await Promise.allSettled([coder.getBuildInfo(), coder.getUser("me")]);
  const version = info.status === "fulfilled" ? `Coder ${info.value.version}` : "Coder (version unknown)";
  const unsupported =
    info.status === "fulfilled" && !isSupported(info.value.version) ? ` (not supported: ${SUPPORTED_VERSIONS})` : "";
  const where = `${version} at ${config.coderUrl?.href.replace(/\/$/, "")}`;
  const who = me.status === "fulfilled" ? `as ${me.value.username}` : `not signed in: ${reason(me.reason)}`;
  return `${where} ${who} (${config.source})${unsupported}`;
}

function reason(err: unknown): string {
  if (err instanceof CoderApiError) return `${err.status} ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
