/**
 * `--export-jsonl FILE`: the run's predictions (everything in preds.json, this run's and earlier
 * ones) as the JSON lines `swebench.harness.run_evaluation --predictions_path` reads, one
 * `{instance_id, model_name_or_path, model_patch}` per line, written atomically; and the exact
 * command that evaluates them.
 * @module
 */
import type { Predictions } from "@thunderagent/protocol";
import { writeFileAtomic } from "../atomic-write.js";
import { DATASET_MAPPING, SAMPLE_DATASET_PATH } from "../dataset/load-instances.js";

/** The JSONL text, sorted by instance id. */
export function predictionsJsonl(preds: Predictions): string {
  return Object.keys(preds)
    .sort()
    .map((id) => {
      const p = preds[id]!;
      return JSON.stringify({
        instance_id: p.instance_id,
        model_name_or_path: p.model_name_or_path,
        model_patch: p.model_patch,
      });
    })
    .join("\n")
    .concat(Object.keys(preds).length > 0 ? "\n" : "");
}

export async function exportJsonl(preds: Predictions, path: string): Promise<number> {
  await writeFileAtomic(path, predictionsJsonl(preds));
  return Object.keys(preds).length;
}

/** Quotes a word for a POSIX shell when it needs it. */
function sh(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

export interface EvaluationTarget {
  /** `--subset` as given (lite, verified, an HF name, a dataset file). */
  subset: string;
  split: string;
  predictionsPath: string;
  runId: string;
  maxWorkers?: number;
}

/** `python -m swebench.harness.run_evaluation …` for these predictions. */
export function evaluationCommand(t: EvaluationTarget): string {
  const dataset =
    t.subset === "sample" ? SAMPLE_DATASET_PATH : (DATASET_MAPPING[t.subset] ?? t.subset);
  return [
    "python -m swebench.harness.run_evaluation",
    `--dataset_name ${sh(dataset)}`,
    `--split ${sh(t.split)}`,
    `--predictions_path ${sh(t.predictionsPath)}`,
    `--max_workers ${t.maxWorkers ?? 8}`,
    `--run_id ${sh(t.runId)}`,
  ].join(" ");
}
