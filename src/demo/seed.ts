// The demo deployment: who is there, which templates, and a few tasks in different states. Data first; `seed`
// only feeds it to the simulator. "alice", the signed-in user, comes with the simulator.
import type { CoderSimulator, NewTask, NewTemplate } from "./simulator/index.js";

const USERS = [{ username: "bob", name: "Bob Stone", email: "bob@example.com" }];

const TEMPLATES: NewTemplate[] = [
  {
    name: "claude-code",
    displayName: "Claude Code",
    presets: [
      {
        name: "Small",
        default: true,
        description: "2 cores, 4 GB: reviews and small fixes",
        parameters: [
          { name: "cpu", value: "2" },
          { name: "memory", value: "4" },
        ],
      },
      {
        name: "Large",
        description: "8 cores, 32 GB: builds and big refactors",
        parameters: [
          { name: "cpu", value: "8" },
          { name: "memory", value: "32" },
        ],
      },
    ],
  },
  {
    name: "codex",
    displayName: "Codex",
    presets: [
      { name: "Default", default: true, description: "4 cores, 8 GB", parameters: [{ name: "cpu", value: "4" }] },
    ],
  },
  { name: "docker-dev", displayName: "Docker dev box", aiTask: false },
];

interface SeedTask extends Omit<NewTask, "logs" | "prompt"> {
  /** What was said, the prompt first, then the agent and its user in turn. */
  conversation: string[];
  /** For a task seeded at work: what it answers, and when. */
  answersLater?: { output: string; message: string; afterMs: number };
}

const TASKS: SeedTask[] = [
  {
    name: "fix-login-flake",
    displayName: "Fix the flaky login test",
    template: "claude-code",
    state: { state: "idle", message: "Login and sign-up tests are stable" },
    conversation: [
      "The login e2e test fails about one run in ten. Find out why and fix it.",
      "Found it: the test clicks Sign in before the CSRF cookie is set, so one run in ten posts without it. " +
        "The page fixture now waits for the cookie; 50 runs in a row pass.",
      "Does the same race affect the sign-up test?",
      "Yes: it uses the same fixture, so the fix covers it too. 50 runs of the sign-up test pass as well.",
    ],
  },
  {
    name: "upgrade-deps",
    displayName: "Upgrade the dependencies",
    template: "codex",
    state: { state: "working", message: "Running the test suite after the upgrade" },
    conversation: [
      "Upgrade all npm dependencies to their latest minor versions; keep the tests green.",
      "14 packages have updates; 2 need code changes. Upgrading, then running the tests.",
    ],
    answersLater: {
      output: "All 14 packages upgraded. The new zod needed three schema changes in src/config; all 212 tests pass.",
      message: "Done: 14 packages upgraded, tests pass",
      afterMs: 30_000,
    },
  },
  {
    name: "api-docs",
    displayName: "Write the API reference",
    template: "claude-code",
    status: "paused",
    state: { state: "idle", message: "Reference for the v2 endpoints written" },
    conversation: [
      "Write a reference page for every endpoint under /api/v2, from the OpenAPI file.",
      "Wrote docs/api/v2.md: 38 endpoints, each with its parameters and an example.",
    ],
  },
  {
    owner: "bob",
    name: "rate-limit",
    displayName: "Rate-limit the public API",
    template: "claude-code",
    state: { state: "idle", message: "Rate limiting added, 100 requests a minute" },
    conversation: [
      "Add per-token rate limiting to the public API: 100 requests a minute.",
      "Added a token-bucket middleware with a 429 and Retry-After; 6 new tests pass.",
    ],
  },
];

export function seed(sim: CoderSimulator): void {
  for (const user of USERS) sim.addUser(user);
  for (const template of TEMPLATES) sim.addTemplate(template);
  for (const { answersLater, conversation, ...task } of TASKS) {
    const logs = conversation.map((content, i) => ({
      type: i % 2 === 0 ? ("input" as const) : ("output" as const),
      content,
    }));
    const { id } = sim.addTask({ ...task, prompt: conversation[0], logs });
    if (answersLater) sim.answerLater(id, answersLater, answersLater.afterMs);
  }
}
