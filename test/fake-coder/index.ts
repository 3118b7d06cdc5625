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

export class FakeCoder {
  private constructor(
    private readonly sim: CoderSimulator,
    private readonly watch: Watch,
  ) {}

  static async start(opts: FakeCoderOptions = {}): Promise<FakeCoder> {
    const watch = new Watch(loadContract());
    const sim = await CoderSimulator.start({
      ...opts,
      token: opts.token ?? DEFAULT_TOKEN,
      middleware: watch.middleware,
    });
    return new FakeCoder(sim, watch);
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

  /** Stops listening, destroys open sockets, ends injected delays and clears the lifecycle's timers. */
  close(): Promise<void> {
    this.watch.faults.close();
    return this.sim.close();
  }
}
