// What each Coder version brings to Tasks (BEHAVIOR.md, Versions). Versions that do not parse (development builds)
// are treated as the newest.

export type Version = readonly [number, number, number];

export const FEATURES = {
  tasks: { since: [2, 26, 0], what: "Coder Tasks" },
  stableApi: { since: [2, 29, 0], what: "the /api/v2/tasks routes" },
  nameLookup: { since: [2, 29, 0], what: "looking a task up by name" },
  updateInput: { since: [2, 29, 0], what: "updating a task's input" },
  pauseResume: { since: [2, 31, 1], what: "pausing and resuming a task" },
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

/** Whether `version` has `feature`; true when the version is unknown. */
export function hasFeature(version: string | undefined, feature: Feature): boolean {
  const v = version === undefined ? undefined : parseVersion(version);
  if (!v) return true;
  const since = FEATURES[feature].since;
  for (let i = 0; i < 3; i++) {
    if ((v[i] as number) !== since[i]) return (v[i] as number) > (since[i] as number);
  }
  return true;
}
