// The log body scanner against the native parser: whatever the entries' text and wherever the body is cut into
// chunks, it hands over exactly the entries JSON.parse finds, and refuses what JSON.parse refuses.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { BodyFormatError } from "../src/coder/body.js";
import { scanTaskLogs } from "../src/coder/log-stream.js";

async function scan(body: string, cuts: number[]) {
  const bytes = Buffer.from(body);
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  async function* chunks() {
    let from = 0;
    for (const p of [...points, bytes.length]) {
      if (p > from) yield bytes.subarray(from, p);
      from = Math.max(from, p);
    }
  }
  const entries: unknown[] = [];
  const meta = await scanTaskLogs(chunks(), (e) => entries.push(e));
  return { entries, meta };
}

const text = fc.string({ unit: fc.constantFrom("a", '"', "\\", "{", "}", "[", "]", ",", ":", "é", "🙂", "\n", " ") });
const entry = fc.record({
  id: fc.nat(),
  content: text,
  type: fc.constantFrom("input", "output"),
  time: fc.constant("2026-01-01T00:00:00Z"),
});
const body = fc.record(
  { logs: fc.array(entry, { maxLength: 8 }), snapshot: fc.boolean(), snapshot_at: fc.constant("2026-01-02T00:00:00Z") },
  { requiredKeys: ["logs"] },
);

describe("log body scanner", () => {
  it("finds the entries JSON.parse finds, however the body is cut", async () => {
    await fc.assert(
      fc.asyncProperty(body, fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), async (value, cuts, pretty) => {
        const json = pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value);
        const { entries, meta } = await scan(json, cuts);
        const expected = JSON.parse(json);
        assert.deepEqual(entries, expected.logs);
        assert.deepEqual(meta, { snapshot: expected.snapshot, snapshot_at: expected.snapshot_at });
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a body cut short, as not JSON", async () => {
    await fc.assert(
      fc.asyncProperty(body, fc.nat(), async (value, at) => {
        const json = JSON.stringify(value);
        const cut = json.slice(0, at % json.length);
        await assert.rejects(scan(cut, [7, 100]), (err: unknown) => err instanceof BodyFormatError && err.notJson);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses entries that are not log entries, naming the one", async () => {
    await assert.rejects(
      scan(
        '{"logs":[{"id":1,"content":"a","type":"input","time":"t"},{"id":2,"content":3,"type":"input","time":"t"}]}',
        [],
      ),
      /logs\.1\.content/,
    );
    await assert.rejects(scan('{"logs":[1]}', []), /logs\[0\] is not an object/);
    await assert.rejects(scan('{"logs":null}', []), /logs/);
    await assert.rejects(scan('{"entries":[]}', []), /logs/);
  });
});
