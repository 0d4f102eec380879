import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { afterAll, describe, expect, it } from "vitest";
import {
  SAMPLE_DATASET_PATH,
  datasetsServerUrl,
  loadHfRows,
  loadInstances,
  pythonSlice,
  resolveDatasetSource,
  selectInstances,
} from "../src/index.js";
import { createTestbed } from "@thunderagent/agent-core/local";

const dir = mkdtempSync(join(tmpdir(), "ta-datasets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const row = (id: string) => ({
  instance_id: id,
  repo: "o/r",
  base_commit: "abc",
  problem_statement: `fix ${id}`,
  patch: "",
  test_patch: "",
  FAIL_TO_PASS: '["t1"]',
  PASS_TO_PASS: "[]",
  version: "1.0",
  environment_setup_commit: "def",
  created_at: "2024-01-01",
  hints_text: "",
});

describe("datasets", () => {
  it("the shipped sample: SWE-bench schema, files of a tiny repo, reproducible base commit", async () => {
    const instances = await loadInstances("sample", "test");
    expect(instances.length).toBeGreaterThanOrEqual(6);
    expect(resolveDatasetSource("sample", "test")).toEqual({
      kind: "file",
      path: SAMPLE_DATASET_PATH,
    });
    const first = instances[0]!;
    expect(first.FAIL_TO_PASS).toEqual(["tests/test_ops.py::test_add"]);
    const testbed = await createTestbed(first, dir);
    try {
      expect(testbed.baseCommit).toMatch(/^[0-9a-f]{40}$/);
      expect(testbed.baseCommit).toBe(first.base_commit);
    } finally {
      await testbed.remove();
    }
  });

  it("reads .json, .jsonl and .parquet files", async () => {
    const rows = [row("a__b-1"), row("a__b-2")];
    writeFileSync(join(dir, "d.json"), JSON.stringify(rows));
    writeFileSync(join(dir, "d.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const columns = Object.keys(rows[0]!).map((name) => ({
      name,
      data: rows.map((r) => (r as Record<string, string>)[name]!),
      type: "STRING" as const,
    }));
    writeFileSync(join(dir, "d.parquet"), Buffer.from(parquetWriteBuffer({ columnData: columns })));
    for (const ext of ["json", "jsonl", "parquet"]) {
      const got = await loadInstances(join(dir, `d.${ext}`), "test");
      expect(got.map((i) => i.instance_id)).toEqual(["a__b-1", "a__b-2"]);
      expect(got[0]!.FAIL_TO_PASS).toEqual(["t1"]);
    }
    writeFileSync(join(dir, "bad.json"), JSON.stringify([{ instance_id: "x" }]));
    await expect(loadInstances(join(dir, "bad.json"), "test")).rejects.toThrow(
      /row 0 is not a SWE-bench instance/,
    );
  });

  it("Hugging Face datasets-server rows API: paged, token, HF_ENDPOINT, cached on disk", async () => {
    const all = Array.from({ length: 5 }, (_, i) => row(`o__r-${i}`));
    const seen: Array<{ url: string; auth: string | undefined }> = [];
    const server: Server = createServer((req, res) => {
      seen.push({ url: req.url!, auth: req.headers.authorization });
      const u = new URL(req.url!, "http://x");
      const offset = Number(u.searchParams.get("offset"));
      const length = Number(u.searchParams.get("length"));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          rows: all
            .slice(offset, offset + length)
            .map((r, i) => ({ row_idx: offset + i, row: r, truncated_cells: [] })),
          num_rows_total: all.length,
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const env = { HF_ENDPOINT: endpoint, HF_TOKEN: "hf_secret" };
    const cacheDir = join(dir, "cache");
    const rows = await loadHfRows({
      dataset: "princeton-nlp/SWE-Bench_Lite",
      split: "test",
      env,
      cacheDir,
      pageSize: 2,
    });
    expect(rows).toHaveLength(5);
    expect(seen.map((s) => new URL(s.url, "http://x").searchParams.get("offset"))).toEqual([
      "0",
      "2",
      "4",
    ]);
    expect(seen[0]!.url).toContain("dataset=princeton-nlp%2FSWE-Bench_Lite");
    expect(seen[0]!.url).toContain("split=test");
    expect(seen.every((s) => s.auth === "Bearer hf_secret")).toBe(true);
    await new Promise((r) => server.close(r));
    // Cached: no server needed any more.
    const again = await loadHfRows({
      dataset: "princeton-nlp/SWE-Bench_Lite",
      split: "test",
      env,
      cacheDir,
    });
    expect(again).toEqual(rows);
    expect(datasetsServerUrl({})).toBe("https://datasets-server.huggingface.co");
    expect(datasetsServerUrl({ HF_ENDPOINT: "https://huggingface.co" })).toBe(
      "https://datasets-server.huggingface.co",
    );
    expect(resolveDatasetSource("lite", "test")).toEqual({
      kind: "hf",
      dataset: "princeton-nlp/SWE-Bench_Lite",
      split: "test",
    });
    expect(resolveDatasetSource("org/custom", "dev")).toEqual({
      kind: "hf",
      dataset: "org/custom",
      split: "dev",
    });
  });
});

describe("instance selection (mini-swe-agent's filter_instances)", () => {
  const items = ["a-1", "a-2", "b-1", "b-2", "c-1"].map((instance_id) => ({ instance_id }));
  it("filter is re.match, slice is a Python slice", () => {
    expect(selectInstances(items, { filter: "a-" }).map((i) => i.instance_id)).toEqual([
      "a-1",
      "a-2",
    ]);
    expect(selectInstances(items, { filter: "1" }).map((i) => i.instance_id)).toEqual([]);
    expect(selectInstances(items, { filter: ".*-1" }).map((i) => i.instance_id)).toEqual([
      "a-1",
      "b-1",
      "c-1",
    ]);
    expect(pythonSlice([0, 1, 2, 3, 4], "1:3")).toEqual([1, 2]);
    expect(pythonSlice([0, 1, 2, 3, 4], "3")).toEqual([0, 1, 2]);
    expect(pythonSlice([0, 1, 2, 3, 4], "-2:")).toEqual([3, 4]);
    expect(pythonSlice([0, 1, 2, 3, 4], "::2")).toEqual([0, 2, 4]);
    expect(pythonSlice([0, 1, 2, 3, 4], "::-1")).toEqual([4, 3, 2, 1, 0]);
  });
  it("shuffle is seeded (same order every time) and a permutation", () => {
    const a = selectInstances(items, { shuffle: true }).map((i) => i.instance_id);
    const b = selectInstances([...items].reverse(), { shuffle: true }).map((i) => i.instance_id);
    expect(a).toEqual(b);
    expect([...a].sort()).toEqual(items.map((i) => i.instance_id));
  });
});
