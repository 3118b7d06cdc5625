// Logs that fit a model's context: a task with 10 000 entries of 2 KB, read in capped windows and paged by id.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type World, world } from "./harness.js";

const ENTRIES = 10_000;

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
});
