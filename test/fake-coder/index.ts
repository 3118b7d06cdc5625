// FakeCoder: the simulated Coder deployment of src/demo/simulator, as the tests use it, wrapped by its middleware:
// every request recorded, faults injected on demand, and every body it sends checked against the contract (Ajv, a
// dev dependency, so here and not in src/).
import {
  CoderSimulator,
  type Features,
  type NewTask,
  type NewTemplate,
  type RecordedRequest,
  type SimulatorOptions,
  type StateReport,
  type StoredTask,
  type Task,
  type TaskLogEntry,
  type TaskStatus,
  type Template,
  type User,
} from "../../src/demo/simulator/index.js";
import { loadContract } from "./contract.js";
import type { Fault, FaultMatch } from "./faults.js";
import { Watch } from "./watch.js";

export type {
  NewTask,
  NewTemplate,
  RecordedRequest,
  StateReport,
  StoredTask,
  TasksApi,
} from "../../src/demo/simulator/index.js";
export { type Features, featuresOf, parseVersion } from "../../src/demo/simulator/index.js";
export type * from "../../src/demo/simulator/types.js";
export { type Contract, loadContract, SPEC_URL } from "./contract.js";
export type { Fault, FaultMatch } from "./faults.js";

/** The simulator's options; the token defaults to a fixed one, so that failures read the same every run. */
export type FakeCoderOptions = Omit<SimulatorOptions, "middleware" | "unref">;

const DEFAULT_TOKEN = "AbCdEf1234-s3cr3tSecretValue01234";

/** A request the fake recorded; `waitForRequests` resolves on such events rather than after a fixed sleep. */
type RequestMatch = (request: RecordedRequest) => boolean;

interface Waiter {
  match: RequestMatch;
  left: number;
  resolve(): void;
  reject(why: string): void;
}

export class FakeCoder {
  private readonly waiters = new Set<Waiter>();

  private constructor(
    private readonly sim: CoderSimulator,
    private readonly watch: Watch,
  ) {}

  static async start(opts: FakeCoderOptions = {}): Promise<FakeCoder> {
    const watch = new Watch(loadContract());
    let fake: FakeCoder | undefined;
    const sim = await CoderSimulator.start({
      ...opts,
      token: opts.token ?? DEFAULT_TOKEN,
      // The watch records the request before its first await; then the waiters hear of it.
      middleware: (request, exchange, next) => {
        const done = watch.middleware(request, exchange, next);
        fake?.notify(request);
        return done;
      },
    });
    fake = new FakeCoder(sim, watch);
    return fake;
  }

  /** Every request received, in order. */
  get requests(): RecordedRequest[] {
    return this.watch.requests;
  }
  /** Bodies that break the contract, and failures of the simulator itself: a test expects none. */
  get violations(): string[] {
    return this.watch.violations;
  }
  /** Every request answered, in the order of the answers (a request is recorded before it is answered). */
  get answered(): RecordedRequest[] {
    return this.watch.answered;
  }
  get url(): string {
    return this.sim.url;
  }
  get origin(): string {
    return this.sim.origin;
  }
  get token(): string {
    return this.sim.token;
  }
  get me(): User {
    return this.sim.me;
  }
  get features(): Features {
    return this.sim.features;
  }
  /** TCP connections that carried a request so far. */
  get connections(): number {
    return this.watch.connections;
  }

  addUser(u: { username: string; name?: string; email?: string }): User {
    return this.sim.addUser(u);
  }

  addOrganization(name: string, displayName = name): { id: string; name: string } {
    return this.sim.addOrganization(name, displayName);
  }

  addTemplate(t: NewTemplate): {
    template: Template;
    activeVersionId: string;
    presets: Array<{ id: string; name: string }>;
  } {
    return this.sim.addTemplate(t);
  }

  /** A task as if created earlier and then driven to `status` (with a log snapshot if paused); it does not move on. */
  addTask(t: NewTask): Task {
    return this.sim.addTask(t);
  }

  /** By ID or name (the authenticated user's first, then anyone's; deleted tasks last). */
  getTask(idOrName: string): StoredTask | undefined {
    return this.sim.getTask(idOrName);
  }

  /** Also stops whatever the lifecycle was still going to do to the task. */
  setTaskStatus(idOrName: string, status: TaskStatus, state?: StateReport | null): void {
    this.sim.setTaskStatus(idOrName, status, state);
  }

  /** Replaces the task's agent messages (what live logs return) with `entries`, as given: ids and times too. */
  setTaskLogs(idOrName: string, entries: TaskLogEntry[]): void {
    this.sim.setTaskLogs(idOrName, entries);
  }

  /** The inputs the task received through POST .../send, in order. */
  sentInputs(idOrName: string): string[] {
    const task = this.sim.getTask(idOrName);
    if (!task) throw new Error(`no task ${idOrName}`);
    return task.sentInputs;
  }

  /** A second valid session token, signed in as `username` (`me` and `owner:me` then mean that user). */
  issueToken(username: string): string {
    return this.sim.issueToken(username);
  }

  injectFault(match: FaultMatch, fault: Fault): void {
    this.watch.faults.add(match, fault);
  }

  /** With lifecycle stepMs "manual": every task that has a next step takes it; returns how many moved. */
  step(): number {
    return this.sim.step();
  }

  /**
   * Resolves once `count` more requests that `match` have reached the fake (counted from this call on): the event a
   * test waits for instead of a sleep, e.g. a poll that did happen. Rejects, naming `what`, after `timeoutMs`.
   */
  waitForRequests(match: RequestMatch, count = 1, what = "a request", timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => waiter.reject(`within ${timeoutMs} ms`), timeoutMs);
      const waiter: Waiter = {
        match,
        left: count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (why) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          reject(new Error(`the fake Coder did not receive ${what} (${waiter.left} of ${count} missing) ${why}`));
        },
      };
      if (count <= 0) waiter.resolve();
      else this.waiters.add(waiter);
    });
  }

  private notify(request: RecordedRequest): void {
    for (const waiter of this.waiters) {
      if (!waiter.match(request)) continue;
      waiter.left -= 1;
      if (waiter.left > 0) continue;
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }

  /**
   * Stops listening, destroys open sockets, ends injected delays and clears the lifecycle's timers; then fails if
   * the fake recorded a contract violation or a failure of its own, so that no test passes over one unseen.
   */
  async close(): Promise<void> {
    for (const waiter of this.waiters) waiter.reject("before it closed");
    this.watch.faults.close();
    await this.sim.close();
    if (this.violations.length > 0) {
      throw new Error(
        `the fake Coder recorded ${this.violations.length} contract violation(s):\n${this.violations.join("\n")}`,
      );
    }
  }
}
