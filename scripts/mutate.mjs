// Mutation run: applies one-line mutations of important behaviours to a copy of the source, one at a time, runs the
// test files that cover each, and reports whether a test caught it. A surviving mutation is a behaviour no test
// holds. `npm run mutate` (not part of `npm test`); `npm run mutate -- --all` runs every test file per mutation;
// `npm run mutate -- <name part>` runs only the mutations whose name contains it.
//
// The working tree is never edited: src/ and test/ are copied to a temporary directory (removed afterwards, also on
// Ctrl-C or failure), and each mutation is applied to a fresh copy of its one file there.
import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** A test run that takes longer than this is stopped and counted as catching the mutation (it hung). */
const RUN_TIMEOUT_MS = 300_000;

/**
 * Each mutation: the behaviour it breaks, the file, the exact text to find (once) and what replaces it, and the
 * test files that cover the behaviour (run in this order; the first that fails has caught it).
 */
const MUTATIONS = [
  {
    name: "writes are retried like reads",
    file: "src/coder/http.ts",
    find: 'const delay = spec.method === "GET" ? retryDelay(err, attempt) : undefined;',
    replace: "const delay = retryDelay(err, attempt);",
    tests: ["faults", "coder-failures"],
  },
  {
    name: "a 500 is retried",
    file: "src/coder/retry.ts",
    find: "const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);",
    replace: "const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);",
    tests: ["faults"],
  },
  {
    name: "Retry-After without its cap",
    file: "src/coder/retry.ts",
    find: "return err.retryAfterMs <= MAX_RETRY_AFTER_MS ? err.retryAfterMs : undefined;",
    replace: "return err.retryAfterMs;",
    tests: ["faults"],
  },
  {
    name: "no redaction",
    file: "src/redact.ts",
    find: 'return (text) => text.replace(pattern, "[REDACTED]");',
    replace: "return (text) => text;",
    tests: ["secrets", "hostile"],
  },
  {
    name: "the token's secret half not redacted on its own",
    file: "src/redact.ts",
    find: '.flatMap((s) => (s ? [s, s.slice(s.indexOf("-") + 1)] : []))',
    replace: ".flatMap((s) => (s ? [s] : []))",
    tests: ["secrets"],
  },
  {
    name: "agent output not fenced",
    file: "src/tools/define.ts",
    find: '{ type: "text", text: tool.untrusted ? fenceUntrusted(json, tool.untrusted) : json },',
    replace: '{ type: "text", text: json },',
    tests: ["untrusted"],
  },
  {
    name: "a fence tag that agent output can guess",
    file: "src/format/untrusted.ts",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text to find, not a template.
    find: "const tag = `${FENCE_PREFIX}${kind}-${randomUUID().slice(0, 8)}`;",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text to put in, not a template.
    replace: "const tag = `${FENCE_PREFIX}${kind}-00000000`;",
    tests: ["untrusted", "hostile"],
  },
  {
    name: "invisible and bidi characters not cleaned",
    file: "src/format/untrusted.ts",
    find: 'return text.replace(/\\r\\n/g, "\\n").replace(ANSI, "").replace(HIDDEN, "");',
    replace: 'return text.replace(/\\r\\n/g, "\\n").replace(ANSI, "");',
    tests: ["untrusted", "hostile"],
  },
  {
    name: "tool results not cleaned",
    file: "src/tools/define.ts",
    find: "cleanDeep(value, cleanUntrusted),",
    replace: "value,",
    tests: ["untrusted", "hostile"],
  },
  {
    name: "the outbound guard does not redact",
    file: "src/transports/outbound.ts",
    find: "const safe = redact(json);",
    replace: "const safe = json;",
    tests: ["hostile"],
  },
  {
    name: "the outbound guard does not clean",
    file: "src/transports/outbound.ts",
    find: "const cleaned = cleanDeep(message);",
    replace: "const cleaned = message;",
    tests: ["hostile"],
  },
  {
    name: "wait: reportBefore ignored (a stale idle after a send is the answer)",
    file: "src/coder/wait.ts",
    find: "sawBusy || options.reportBefore === undefined || task.current_state?.timestamp !== options.reportBefore;",
    replace: "true;",
    tests: ["wait"],
  },
  {
    name: "wait: a paused task does not stop a wait for idle",
    file: "src/coder/wait.ts",
    find: 'if (running && task.status === "paused") {',
    replace: "if (false) {",
    tests: ["wait"],
  },
  {
    name: "wait: no grace for error",
    file: "src/coder/wait.ts",
    find: 'if (task.status === "error" && now - started >= timing.errorGraceMs) return result("stopped", "error");',
    replace: 'if (task.status === "error") return result("stopped", "error");',
    tests: ["wait"],
  },
  {
    name: "wait: a failed wait after a write is rethrown (the model would repeat the write)",
    file: "src/tools/waiting.ts",
    find: "if (ctx.signal.aborted) throw err;",
    replace: "throw err;",
    tests: ["wait"],
  },
  {
    name: "send: a paused task is sent to without resume",
    file: "src/tools/send-task-input.ts",
    find: "if (!resume) {",
    replace: "if (false) {",
    tests: ["tasks-write"],
  },
  {
    name: "version gate: pause and resume before v2.31.1",
    file: "src/coder/versions.ts",
    find: 'pauseResume: { since: [2, 31, 1], what: "pausing and resuming a task" },',
    replace: 'pauseResume: { since: [2, 26, 0], what: "pausing and resuming a task" },',
    tests: ["versions"],
  },
  {
    name: "version gate: look-up by name on v2.28",
    file: "src/coder/versions.ts",
    find: 'nameLookup: { since: [2, 29, 0], what: "looking a task up by name" },',
    replace: 'nameLookup: { since: [2, 28, 0], what: "looking a task up by name" },',
    tests: ["versions"],
  },
  {
    name: "identifiers: more than one '/' accepted",
    file: "src/coder/identifiers.ts",
    find: 'if (parts.length > 2) throw new InvalidIdentifierError("task", identifier, "slashes");',
    replace: "",
    tests: ["identifiers"],
  },
  {
    name: "identifiers: any task name accepted",
    file: "src/coder/identifiers.ts",
    find: "if (!isUuid(task) && !isValidName(task)) {",
    replace: 'if (task === "") {',
    tests: ["identifiers"],
  },
  {
    name: "path segments not encoded",
    file: "src/coder/api-path.ts",
    find: "return encodeURIComponent(segment);",
    replace: "return segment;",
    tests: ["identifiers", "fuzz"],
  },
  {
    name: "dot segments passed to the URL",
    file: "src/coder/api-path.ts",
    find: 'if (segment === "" || segment === "." || segment === ".." || /^(%2e|\\.){1,2}$/i.test(segment)) {',
    replace: 'if (segment === "") {',
    tests: ["identifiers"],
  },
  {
    name: "delete goes ahead when the user declines",
    file: "src/tools/delete-task.ts",
    find: 'if (answer === "decline" || answer === "cancel") {',
    replace: 'if (answer === "cancel") {',
    tests: ["prompts"],
  },
];

const args = process.argv.slice(2);
const allFiles = args.includes("--all");
const only = args.filter((a) => !a.startsWith("--"));
const selected = MUTATIONS.filter((m) => only.length === 0 || only.some((o) => m.name.includes(o)));
const ALL_TESTS = readdirSync(join(ROOT, "test"))
  .filter((f) => f.endsWith(".test.ts"))
  .map((f) => f.slice(0, -".test.ts".length))
  .sort();

const work = mkdtempSync(join(tmpdir(), "coder-tasks-mcp-mutate-"));
const copy = join(work, "repo");
let child;
/** Ends the running test process and whatever it started (its own process group), then removes the copy. */
const cleanUp = () => {
  stopChild();
  rmSync(work, { recursive: true, force: true });
};
function stopChild() {
  if (child?.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

try {
  await main();
} finally {
  cleanUp();
}

async function main() {
  // Everything the tests may read (README.md too), but the dependencies, which are linked, and the build.
  for (const part of readdirSync(ROOT)) {
    if ([".git", "node_modules", "dist"].includes(part)) continue;
    cpSync(join(ROOT, part), join(copy, part), { recursive: true });
  }
  symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"), "dir");

  const testsOf = (m) => (allFiles ? ALL_TESTS : m.tests);
  console.log(
    allFiles
      ? "Running every test file for each mutation."
      : "Running, for each mutation, only the test files listed for it (npm run mutate -- --all runs every one).",
  );

  // The unmutated copy must pass the same files, or a failure would prove nothing.
  const baseline = [...new Set(selected.flatMap(testsOf))];
  await build();
  for (const file of baseline) {
    const run = await runTests(file);
    if (run.failed.length > 0 || run.timedOut) {
      console.error(`The unmutated source fails test/${file}.test.ts: ${run.failed.join("; ") || "timed out"}`);
      process.exitCode = 1;
      return;
    }
  }

  const rows = [];
  for (const m of selected) {
    const original = readFileSync(join(ROOT, m.file), "utf8");
    const target = join(copy, m.file);
    const at = original.indexOf(m.find);
    if (at === -1 || original.indexOf(m.find, at + 1) !== -1) {
      rows.push({ m, result: `not applicable: ${m.file} changed`, by: "" });
      console.log(`- ${m.name}: not applicable: ${m.file} changed`);
      continue;
    }
    writeFileSync(target, original.slice(0, at) + m.replace + original.slice(at + m.find.length));
    try {
      await build();
      let caught;
      for (const file of testsOf(m)) {
        const run = await runTests(file);
        if (run.timedOut) caught = `test/${file}.test.ts (timed out)`;
        else if (run.failed.length > 0) caught = run.failed.map((t) => `test/${file}.test.ts: ${t}`).join("; ");
        if (caught) break;
      }
      rows.push({ m, result: caught ? "caught" : "SURVIVED", by: caught ?? "" });
      console.log(`- ${m.name}: ${caught ? `caught by ${caught}` : "SURVIVED"}`);
    } finally {
      writeFileSync(target, original);
    }
  }
  await build();

  console.log("\n| Mutation | File | Result | Caught by |\n|---|---|---|---|");
  for (const { m, result, by } of rows) console.log(`| ${m.name} | ${m.file} | ${result} | ${by} |`);
  const survived = rows.filter((r) => r.result === "SURVIVED").length;
  const notApplicable = rows.filter((r) => r.result.startsWith("not applicable")).length;
  console.log(
    `\n${rows.length - survived - notApplicable} caught, ${survived} survived, ${notApplicable} not applicable.`,
  );
  if (survived > 0) process.exitCode = 1;
}

/** dist/ for the tests that run the bin, from the (mutated) copy. */
async function build() {
  const run = await exec(process.execPath, ["scripts/build.mjs"]);
  if (run.code !== 0) throw new Error(`build failed:\n${run.output}`);
}

/** One test file, as npm test runs it; the names of the tests that failed. */
async function runTests(file) {
  const path = `test/${file}.test.ts`;
  if (!existsSync(join(copy, path))) throw new Error(`no ${path}`);
  const run = await exec(
    process.execPath,
    ["--import", "tsx", "--test", "--test-concurrency=1", "--test-reporter=tap", path],
    RUN_TIMEOUT_MS,
  );
  return { failed: failedTests(run.output), timedOut: run.timedOut };
}

/** The failing tests of a TAP report: "not ok" lines, without the suites and files that fail because of them. */
function failedTests(tap) {
  const lines = tap.split("\n");
  const failed = [];
  for (const [i, line] of lines.entries()) {
    const m = /^\s*not ok \d+ - (.*)$/.exec(line);
    if (!m) continue;
    const block = lines.slice(i + 1, i + 12).join("\n");
    if (/failureType: 'subtestsFailed'/.test(block)) continue;
    failed.push(m[1].trim());
  }
  if (failed.length === 0 && /^# fail [1-9]/m.test(tap)) failed.push("(a hook or the file itself)");
  return failed;
}

function exec(command, argv, timeoutMs = 120_000) {
  return new Promise((done) => {
    const env = { ...process.env };
    delete env.CI; // the contract-copy check looks for ../shared, which the copy has not
    child = spawn(command, argv, { cwd: copy, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stopChild();
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      child = undefined;
      done({ code, output, timedOut });
    });
  });
}
