// Logs that fit a model's context: a task with 10 000 entries of 2 KB, read in capped windows and paged by id; the
// body is read as a stream, entry by entry, whatever its chunks.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type World, world } from "./harness.js";

const ENTRIES = 10_000;
// Text that a scanner splitting the logs array could trip on, in entries long enough to cross chunk boundaries at
// every offset: quotes, escapes, brackets, a fake "logs" key, and characters of two to four bytes.
const TRICKY = Array.from({ length: 400 }, (_, i) => {
  const pieces = ['"quoted"', "back\\slash\\", "{[}]", '"logs":[{"id":1}]', "é", "日本語", "🙂", "\n", '\\"'];
  return `${i}:${"ab".repeat(i % 97)}${pieces.join("").repeat(1 + (i % 13))}`;
});

describe("capped task logs", () => {
  let w: World;
  before(async () => {
    w = await world({}, { CODER_TASKS_MCP_LOG_MAX_CHARS: "16000" });
    w.fake.addTemplate({ name: "claude-code" });
    w.fake.addTask({
      name: "verbose",
      logs: Array.from({ length: ENTRIES }, (_, i) => ({
        type: i % 2 === 0 ? ("input" as const) : ("output" as const),
        content: `#${i} ${"x".repeat(2040)}`,
      })),
    });
    w.fake.addTask({ name: "huge-entry", logs: [{ type: "output", content: `START${"y".repeat(50_000)}END` }] });
    w.fake.addTask({ name: "tricky", logs: TRICKY.map((content) => ({ type: "output" as const, content })) });
  });
  after(() => w.close());

  it("returns whole entries from the end within the cap, and says what was left out", async () => {
    const r = await w.call("coder_get_task_logs", { task_id: "verbose" });
    assert.equal(r.isError, false, r.text);
    const chars = r.data.entries.reduce((n: number, e: { content: string }) => n + e.content.length, 0);
    const kept = r.data.entries.length;
    // As many of the newest entries as the cap holds: one more would not fit.
    assert.ok(chars <= 16_000, `${chars} characters`);
    assert.ok(kept >= 1 && chars + chars / kept > 16_000, `${kept} entries, ${chars} characters: room for one more`);
    assert.equal(r.data.total, ENTRIES);
    assert.equal(r.data.older, ENTRIES - kept);
    assert.equal(r.data.newer, 0);
    assert.match(r.data.entries.at(-1).content, /^#9999 /);
    const firstId = r.data.entries[0].id;
    assert.equal(r.data.more, `Left out: ${ENTRIES - kept} older: before_id ${firstId}.`);
    assert.ok(r.text.length < 20_000, `the whole result is ${r.text.length} characters`);
  });

  it("pages backwards with before_id and forwards with after_id", async () => {
    const last = await w.call("coder_get_task_logs", { task_id: "verbose", limit: 3 });
    const ids = last.data.entries.map((e: { id: number }) => e.id);
    const older = await w.call("coder_get_task_logs", { task_id: "verbose", limit: 3, before_id: ids[0] });
    const olderIds = older.data.entries.map((e: { id: number }) => e.id);
    assert.deepEqual(olderIds, [ids[0] - 3, ids[0] - 2, ids[0] - 1]);
    assert.equal(older.data.newer, 3);
    const forward = await w.call("coder_get_task_logs", { task_id: "verbose", limit: 2, after_id: olderIds[0] });
    assert.deepEqual(
      forward.data.entries.map((e: { id: number }) => e.id),
      [olderIds[1], olderIds[2]],
    );
    const start = await w.call("coder_get_task_logs", { task_id: "verbose", limit: 2, after_id: -1 });
    assert.match(start.data.entries[0].content, /^#0 /);
    assert.equal(start.data.older, 0);
  });

  it("cuts one huge entry in the middle, keeping its start and its end", async () => {
    const r = await w.call("coder_get_task_logs", { task_id: "huge-entry" });
    const [entry] = r.data.entries;
    assert.ok(entry.content.startsWith("START"));
    assert.ok(entry.content.endsWith("END"));
    // What is cut is said, in the entry and in cut_chars, and what is kept plus what is cut is the whole entry.
    const marker = /\n\[\.\.\. (\d+) characters cut \.\.\.\]\n/.exec(entry.content);
    assert.ok(marker, entry.content.slice(0, 200));
    assert.equal(Number(marker[1]), entry.cut_chars);
    assert.ok(entry.cut_chars > 0);
    assert.equal(entry.content.length - marker[0].length + entry.cut_chars, 50_008);
    assert.ok(entry.content.length <= 16_000, "within the cap");
  });

  it("filters by type before capping", async () => {
    const r = await w.call("coder_get_task_logs", { task_id: "verbose", type: "input", limit: 2 });
    assert.deepEqual(
      r.data.entries.map((e: { type: string }) => e.type),
      ["input", "input"],
    );
    assert.equal(r.data.total, ENTRIES / 2);
  });

  it("reads every entry whole, whatever the chunks of the body cut through", async () => {
    const r = await w.call("coder_get_task_logs", { task_id: "tricky", limit: 1000 });
    assert.equal(r.isError, false, r.text);
    assert.equal(r.data.total, TRICKY.length);
    const n = r.data.entries.length;
    assert.ok(n > 10, `${n} entries`);
    assert.deepEqual(
      r.data.entries.map((e: { content: string }) => e.content),
      TRICKY.slice(-n),
    );
    const forward = await w.call("coder_get_task_logs", { task_id: "tricky", limit: 5, after_id: -1 });
    assert.deepEqual(
      forward.data.entries.map((e: { content: string }) => e.content),
      TRICKY.slice(0, 5),
    );
    assert.equal(forward.data.newer, TRICKY.length - 5);
  });

  it("reads the snapshot fields wherever they stand around the entries", async () => {
    w.fake.injectFault(
      { method: "GET", path: /\/logs$/ },
      {
        status: 200,
        contentType: "application/json",
        body: `{ "snapshot" : true, "logs" : [ {"id":7,"content":"a\\"}]","type":"output","time":"2026-01-01T00:00:00Z"} ] , "snapshot_at":"2026-01-02T00:00:00Z", "extra": {"logs": [1]} }`,
      },
    );
    const r = await w.call("coder_get_task_logs", { task_id: "huge-entry" });
    assert.equal(r.isError, false, r.text);
    assert.deepEqual(
      [r.data.snapshot, r.data.snapshot_at, r.data.entries.map((e: { content: string }) => e.content)],
      [true, "2026-01-02T00:00:00Z", ['a"}]']],
    );
  });

  it("checks each entry against the contract, and does not read the log again", async () => {
    const from = w.fake.requests.length;
    w.fake.injectFault(
      { method: "GET", path: /\/logs$/ },
      {
        status: 200,
        contentType: "application/json",
        body: '{"logs":[{"id":1,"content":"ok","type":"output","time":"t"},{"id":2,"content":"x","type":"thought","time":"t"}]}',
      },
    );
    const r = await w.call("coder_get_task_logs", { task_id: "huge-entry" });
    assert.equal(r.isError, true);
    assert.match(r.text, /the body does not match the Coder API: logs\.1\.type/);
    assert.equal(w.fake.requests.slice(from).filter((q) => q.path.endsWith("/logs")).length, 1);
  });

  it("tries a log cut short in transit once more", async () => {
    const from = w.fake.requests.length;
    w.fake.injectFault(
      { method: "GET", path: /\/logs$/ },
      { status: 200, contentType: "application/json", body: '{"logs":[{"id":1,"content":"partial' },
    );
    const r = await w.call("coder_get_task_logs", { task_id: "huge-entry" });
    assert.equal(r.isError, false, r.text);
    assert.match(r.data.entries[0].content, /^START/);
    assert.equal(w.fake.requests.slice(from).filter((q) => q.path.endsWith("/logs")).length, 2);
  });
});
