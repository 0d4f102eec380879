import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { removeStaleTemps, writeFileAtomic } from "../src/atomic-write.js";

describe("atomic writes", () => {
  it("creates the directory, replaces the file, leaves no temporary file", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "atomic-")), "a", "b");
    const target = join(dir, "preds.json");
    await writeFileAtomic(target, "{}\n");
    // Concurrent writers: the file ends as one of them, whole (their order is not promised).
    await Promise.all([1, 2, 3].map((i) => writeFileAtomic(target, `{"n":${i}}\n`)));
    expect(['{"n":1}\n', '{"n":2}\n', '{"n":3}\n']).toContain(readFileSync(target, "utf8"));
    await writeFileAtomic(target, '{"n":4}\n');
    expect(readFileSync(target, "utf8")).toBe('{"n":4}\n');
    await writeFileAtomic(join(dir, "x", "rows.json"), "[]\n");
    expect(readFileSync(join(dir, "x", "rows.json"), "utf8")).toBe("[]\n");
    expect(readdirSync(dir).sort()).toEqual(["preds.json", "x"]);
  });

  it("removes the temporary files a killed run left, and nothing else", async () => {
    const dir = mkdtempSync(join(tmpdir(), "atomic-"));
    const names = ["preds.json", "run.log", "exit_statuses_1.yaml", "notes.txt.1"];
    const stale = ["preds.json.3141592653", "exit_statuses_1.yaml.42", ".preds.json.tmp-12-ab"];
    for (const n of [...names, ...stale]) writeFileSync(join(dir, n), "x");
    expect(await removeStaleTemps(dir)).toBe(3);
    expect(readdirSync(dir).sort()).toEqual([...names].sort());
    expect(await removeStaleTemps(join(dir, "missing"))).toBe(0);
  });
});
