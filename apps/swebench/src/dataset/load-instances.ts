/**
 * `--subset`/`--split` to SWE-bench instances: the named subsets (lite, verified, full, …) and any
 * other Hugging Face dataset name through the datasets-server; `.json`/`.jsonl`/`.parquet` paths
 * from disk; `sample` is the small dataset shipped in this package (its instances carry the files
 * of a tiny repository in `repo_files`, for the local environment).
 * @module
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SweBenchInstance, formatIssues } from "@thunderagent/protocol";
import { SwebenchError } from "../errors.js";
import { loadHfRows } from "./hf-rows.js";
import { loadRowsFromFile } from "./load-file.js";

export const DATASET_MAPPING: Readonly<Record<string, string>> = {
  full: "princeton-nlp/SWE-Bench",
  verified: "princeton-nlp/SWE-Bench_Verified",
  lite: "princeton-nlp/SWE-Bench_Lite",
  multimodal: "princeton-nlp/SWE-Bench_Multimodal",
  multilingual: "swe-bench/SWE-Bench_Multilingual",
  smith: "SWE-bench/SWE-smith",
};

export const SAMPLE_DATASET_PATH = fileURLToPath(
  new URL("../../data/sample.json", import.meta.url),
);

export type DatasetSource =
  { kind: "file"; path: string } | { kind: "hf"; dataset: string; split: string };

export function resolveDatasetSource(subset: string, split: string): DatasetSource {
  if (subset === "sample") return { kind: "file", path: SAMPLE_DATASET_PATH };
  if (/\.(json|jsonl|ndjson|parquet)$/i.test(subset) || existsSync(subset)) {
    return { kind: "file", path: subset };
  }
  return { kind: "hf", dataset: DATASET_MAPPING[subset] ?? subset, split };
}

export interface LoadInstancesOptions {
  env?: Record<string, string | undefined>;
  cacheDir?: string;
}

export async function loadInstances(
  subset: string,
  split: string,
  options: LoadInstancesOptions = {},
): Promise<SweBenchInstance[]> {
  const source = resolveDatasetSource(subset, split);
  const rows =
    source.kind === "file"
      ? await loadRowsFromFile(source.path)
      : await loadHfRows({
          dataset: source.dataset,
          split: source.split,
          ...(options.env ? { env: options.env } : {}),
          ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
        });
  const where = source.kind === "file" ? source.path : `${source.dataset} (${source.split})`;
  return rows.map((row, i) => {
    const parsed = SweBenchInstance.safeParse(row);
    if (!parsed.success) {
      throw new SwebenchError(
        "invalid_dataset",
        `${where}: row ${i} is not a SWE-bench instance: ${formatIssues(parsed.error.issues)}`,
      );
    }
    return parsed.data;
  });
}
