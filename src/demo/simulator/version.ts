// What each Coder version's Tasks API does (BEHAVIOR.md, Versions and Differences by version), from the version
// buildinfo reports. v2.26 and v2.27 serve another Tasks API, which is not simulated: a client is expected to read
// their version and refuse them, so they serve the v2.28 routes.

/** The differences between the Coder versions that have Tasks; true means "as the newest version". */
export interface Features {
  /** v2.29.0 (PR #20921): /api/v2/tasks beside the experimental mount. */
  stableApi: boolean;
  /** v2.29.0 (PR #20647): display_name, PATCH .../input and `{task}` by name. */
  taskNames: boolean;
  /** v2.29.0: a "working" current_state synthesised while the task initializes (v2.28 sends null). */
  initializingState: boolean;
  /** v2.31.1 (PR #21771): POST .../pause and .../resume. */
  pauseResume: boolean;
  /** v2.31.1 (PR #21771): logs of a paused, pending or initializing task come from a stored snapshot. */
  logSnapshots: boolean;
  /**
   * v2.31.1 (PR #21887): 409 instead of 400 for a pending, initializing or paused task, and the 400 that error and
   * unknown still get says "Task must be active." instead of "Task status must be active.".
   */
  startingConflict: boolean;
  /** v2.32.0 (PR #23424): 409 instead of 502 when the agent is busy. */
  busyConflict: boolean;
  /** v2.32.0: the agent's "failure" reported as current_state.state "failed" (before, copied as it is). */
  failedState: boolean;
}

type Triple = readonly [number, number, number];

/** `vMAJOR.MINOR.PATCH`, ignoring `-...` and `+...` suffixes; undefined when it does not parse. */
export function parseVersion(version: string): Triple | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function atLeast(version: Triple, min: Triple): boolean {
  for (let i = 0; i < 3; i++) {
    const a = version[i] ?? 0;
    const b = min[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/**
 * A version that does not parse behaves as the newest; so does 0.0.0, which is what Coder's development
 * builds report ("v0.0.0-devel"), although they are built from the newest sources.
 */
export function featuresOf(version: string): Features {
  const parsed = parseVersion(version);
  const newest = parsed === undefined || parsed.every((n) => n === 0);
  const since = (min: Triple) => newest || atLeast(parsed, min);
  return {
    stableApi: since([2, 29, 0]),
    taskNames: since([2, 29, 0]),
    initializingState: since([2, 29, 0]),
    pauseResume: since([2, 31, 1]),
    logSnapshots: since([2, 31, 1]),
    startingConflict: since([2, 31, 1]),
    busyConflict: since([2, 32, 0]),
    failedState: since([2, 32, 0]),
  };
}
