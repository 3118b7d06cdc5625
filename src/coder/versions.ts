// What each Coder version brings to Tasks (BEHAVIOR.md, Versions and Differences by version), and the one wording of
// the versions this server supports. Versions that do not parse (development builds) are treated as the newest.

export type Version = readonly [number, number, number];

/** v2.26 and v2.27 serve another Tasks API (create takes `prompt`, status is a workspace status). */
export const FIRST_SUPPORTED: Version = [2, 28, 0];

/** The supported range, worded once for errors, --help and the README. */
export const SUPPORTED_VERSIONS = "Coder v2.28.0 to v2.34.x, and later releases while they serve Tasks";

/** Completes "This deployment …" where no task route answers. */
export const NO_TASKS_API = `does not serve the Tasks API (from v2.36 it needs the server flag CODER_ENABLE_AI_TASKS, and later releases remove it); this server supports ${SUPPORTED_VERSIONS}`;

export const FEATURES = {
  stableApi: { since: [2, 29, 0], what: "the /api/v2/tasks routes" },
  nameLookup: { since: [2, 29, 0], what: "looking a task up by name" },
  displayName: { since: [2, 29, 0], what: "a task's display name" },
  updateInput: { since: [2, 29, 0], what: "updating a task's input" },
  pauseResume: { since: [2, 31, 1], what: "pausing and resuming a task" },
  logSnapshots: { since: [2, 31, 1], what: "the log of a task that is not running" },
} as const satisfies Record<string, { since: Version; what: string }>;

export type Feature = keyof typeof FEATURES;

export function parseVersion(version: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  if (!m) return undefined;
  const v: Version = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Development builds report v0.0.0: not a release that predates Tasks.
  return v[0] === 0 && v[1] === 0 && v[2] === 0 ? undefined : v;
}

export function formatVersion(v: Version): string {
  return `v${v.join(".")}`;
}

function atLeast(version: string | undefined, since: Version): boolean {
  const v = version === undefined ? undefined : parseVersion(version);
  if (!v) return true;
  for (let i = 0; i < 3; i++) {
    if ((v[i] as number) !== since[i]) return (v[i] as number) > (since[i] as number);
  }
  return true;
}

/** Whether `version` has `feature`; true when the version is unknown. */
export function hasFeature(version: string | undefined, feature: Feature): boolean {
  return atLeast(version, FEATURES[feature].since);
}

/** False only for a release before FIRST_SUPPORTED. */
export function isSupported(version: string): boolean {
  return atLeast(version, FIRST_SUPPORTED);
}

/** The one sentence for a deployment older than FIRST_SUPPORTED. */
export function unsupportedText(version: string, origin: string): string {
  return `Coder ${version} at ${origin} is not supported: this server needs Coder ${formatVersion(FIRST_SUPPORTED)} or later, as older releases serve a different Tasks API.`;
}
