// Which task routes a deployment serves, detected once on first use: v2.29+ serve /api/v2/tasks (and keep
// /api/experimental/tasks), v2.26-v2.28 only /api/experimental/tasks, later releases none when Tasks is disabled or
// removed (404 "Route not found."). Features newer than the deployment are refused before any request.
import { CoderApiError, FeatureUnavailableError, TasksUnavailableError } from "./errors.js";
import type { HttpCore, LogLevel, RequestSpec } from "./http.js";
import { notCoder } from "./not-coder.js";
import { type BuildInfo, BuildInfoSchema } from "./schemas.js";
import { FEATURES, type Feature, formatVersion, hasFeature, parseVersion } from "./versions.js";

const ROOTS = {
  v2: ["api", "v2", "tasks"],
  experimental: ["api", "experimental", "tasks"],
} as const;

type Root = keyof typeof ROOTS | "none";

interface Detected {
  info: BuildInfo;
  root: Root;
}

export function routeNotFound(err: unknown): boolean {
  return err instanceof CoderApiError && err.status === 404 && err.message === "Route not found.";
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

  async version(signal?: AbortSignal): Promise<string> {
    return (await this.detect(signal)).info.version;
  }

  /** A request under the deployment's task routes; `segments` follow `/tasks`. */
  async request<T>(segments: string[], spec: Omit<RequestSpec<T>, "segments">, feature?: Feature): Promise<T> {
    const d = await this.detect(spec.signal);
    if (feature && !hasFeature(d.info.version, feature)) throw this.missing(feature, d);
    if (d.root === "none") throw this.unavailable(d);
    try {
      return await this.http.request({ ...spec, segments: [...ROOTS[d.root], ...segments] });
    } catch (err) {
      if (!routeNotFound(err)) throw err;
      if (feature) throw this.missing(feature, d);
      // A route that does not exist processed nothing, so even a write may be tried on the other routes.
      if (d.root === "v2") return this.fallBack(d, segments, spec);
      d.root = "none";
      throw this.unavailable(d);
    }
  }

  private async fallBack<T>(d: Detected, segments: string[], spec: Omit<RequestSpec<T>, "segments">): Promise<T> {
    try {
      const result = await this.http.request({ ...spec, segments: [...ROOTS.experimental, ...segments] });
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
    this.detected ??= this.http
      .request({ method: "GET", segments: ["api", "v2", "buildinfo"], expect: 200, schema: BuildInfoSchema, signal })
      .then((info): Detected => {
        const root = !hasFeature(info.version, "tasks")
          ? "none"
          : hasFeature(info.version, "stableApi")
            ? "v2"
            : "experimental";
        if (root === "experimental") {
          this.log(
            "info",
            `Coder ${info.version} at ${this.http.origin}: using the experimental task routes (before v2.29).`,
          );
        }
        return { info, root };
      })
      .catch((err) => {
        // Only a definite answer is kept: a failed detection is tried again on the next call.
        this.detected = undefined;
        throw notCoder(err, this.http.origin) ?? err;
      });
    return this.detected;
  }

  private unavailable(d: Detected): TasksUnavailableError {
    const where = `Coder ${d.info.version} at ${this.http.origin}`;
    const v = parseVersion(d.info.version);
    if (v && !hasFeature(d.info.version, "tasks")) {
      return new TasksUnavailableError(
        `${where} predates Coder Tasks, which arrived in ${formatVersion(FEATURES.tasks.since)}: upgrade the deployment to use this server.`,
      );
    }
    return new TasksUnavailableError(
      `${where} does not serve the Tasks API: Tasks exists in Coder v2.26 to v2.34 (deprecated in v2.34) and later releases disable it (server flag CODER_ENABLE_AI_TASKS) or remove it.`,
    );
  }

  private missing(feature: Feature, d: Detected): FeatureUnavailableError {
    const { what, since } = FEATURES[feature];
    return new FeatureUnavailableError(
      `${what[0]?.toUpperCase()}${what.slice(1)} needs Coder ${formatVersion(since)} or later; ${this.http.origin} runs Coder ${d.info.version}.`,
    );
  }
}
