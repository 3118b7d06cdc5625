// Which task routes a deployment serves, detected once on first use: v2.29+ serve /api/v2/tasks (and keep
// /api/experimental/tasks), v2.28 only /api/experimental/tasks, later releases none when Tasks is disabled or
// removed (404 "Route not found."). Releases before v2.28, and features newer than the deployment, are refused before
// any request.
import { apiPath } from "./api-path.js";
import { CoderApiError, FeatureUnavailableError, TasksUnavailableError } from "./errors.js";
import type { HttpCore, LogLevel, RequestSpec } from "./http.js";
import { notCoder } from "./not-coder.js";
import { type BuildInfo, BuildInfoSchema } from "./schemas.js";
import { type Feature, hasFeature, isSupported } from "./versions.js";

/** Callers write task paths under the v2 root; v2.28 serves the same routes under the experimental one. */
const ROOTS = {
  v2: "/api/v2/tasks",
  experimental: "/api/experimental/tasks",
} as const;

type Root = keyof typeof ROOTS | "none";

interface Detected {
  info: BuildInfo;
  root: Root;
  /** False for a release before v2.28, whose Tasks API is another one. */
  supported: boolean;
}

function routeNotFound(err: unknown): boolean {
  return err instanceof CoderApiError && err.routeNotFound;
}

function under(root: keyof typeof ROOTS, path: string): string {
  if (!path.startsWith(ROOTS.v2)) throw new Error(`${path} is not a task route`);
  return ROOTS[root] + path.slice(ROOTS.v2.length);
}

export class TaskRoutes {
  private detected?: Promise<Detected>;

  constructor(
    private readonly http: HttpCore,
    private readonly log: (level: LogLevel, message: string) => void,
  ) {}

  async buildInfo(signal?: AbortSignal): Promise<BuildInfo> {
    return (await this.detect(signal)).info;
  }

  /** Whether the deployment has `feature`; throws for a release this server does not support. */
  async has(feature: Feature, signal?: AbortSignal): Promise<boolean> {
    return hasFeature((await this.supported(signal)).info.version, feature);
  }

  /** Throws the sentence that names the version bringing `feature` when the deployment lacks it. */
  async require(feature: Feature, signal?: AbortSignal): Promise<void> {
    const d = await this.supported(signal);
    if (!hasFeature(d.info.version, feature)) throw this.missing(feature, d);
  }

  /** Throws for a release this server does not support: called before any request beside the task routes. */
  async check(signal?: AbortSignal): Promise<void> {
    await this.supported(signal);
  }

  private async supported(signal?: AbortSignal): Promise<Detected> {
    const d = await this.detect(signal);
    if (!d.supported) throw new TasksUnavailableError(this.http.origin, d.info.version, "unsupported");
    return d;
  }

  /** A request to a task route, given as apiPath`/api/v2/tasks/...`: sent where the deployment serves it. */
  async request<T>(spec: RequestSpec<T>, feature?: Feature): Promise<T> {
    const d = await this.supported(spec.signal);
    if (feature && !hasFeature(d.info.version, feature)) throw this.missing(feature, d);
    if (d.root === "none") throw this.unavailable(d);
    try {
      return await this.http.request({ ...spec, path: under(d.root, spec.path) });
    } catch (err) {
      if (!routeNotFound(err)) throw err;
      if (feature) throw this.missing(feature, d);
      // A route that does not exist processed nothing, so even a write may be tried on the other routes.
      if (d.root === "v2") return this.fallBack(d, spec);
      d.root = "none";
      throw this.unavailable(d);
    }
  }

  private async fallBack<T>(d: Detected, spec: RequestSpec<T>): Promise<T> {
    try {
      const result = await this.http.request({ ...spec, path: under("experimental", spec.path) });
      d.root = "experimental";
      this.log(
        "notice",
        `Coder ${d.info.version} at ${this.http.origin} has no /api/v2/tasks; using /api/experimental/tasks.`,
      );
      return result;
    } catch (err) {
      if (!routeNotFound(err)) throw err;
      d.root = "none";
      throw this.unavailable(d);
    }
  }

  private detect(signal?: AbortSignal): Promise<Detected> {
    // Shared by every caller, so no caller's signal: one that cancels (or whose HTTP session closes) must not
    // cancel the others'. Each caller stops waiting on its own signal; the time-out bounds the request.
    this.detected ??= this.http
      .request({ method: "GET", path: apiPath`/api/v2/buildinfo`, expect: 200, schema: BuildInfoSchema })
      .then((info): Detected => {
        const supported = isSupported(info.version);
        const root = !supported ? "none" : hasFeature(info.version, "stableApi") ? "v2" : "experimental";
        if (root === "experimental") {
          this.log("info", `Coder ${info.version} at ${this.http.origin}: using the experimental task routes (v2.28).`);
        }
        return { info, root, supported };
      })
      .catch((err) => {
        // Only a definite answer is kept: a failed detection is tried again on the next call.
        this.detected = undefined;
        throw notCoder(err, this.http.origin) ?? err;
      });
    return signal ? untilAborted(this.detected, signal) : this.detected;
  }

  private unavailable(d: Detected): TasksUnavailableError {
    return new TasksUnavailableError(this.http.origin, d.info.version, "not served");
  }

  private missing(feature: Feature, d: Detected): FeatureUnavailableError {
    return new FeatureUnavailableError(feature, this.http.origin, d.info.version);
  }
}

/** `promise`, or the signal's reason once it aborts first (as a request of the caller's own would reject). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
