/**
 * `--export-jsonl`: the JSON lines swebench.harness.run_evaluation reads, and its command.
 */
import { describe, expect, it } from "vitest";
import { SAMPLE_DATASET_PATH, evaluationCommand, predictionsJsonl } from "../src/index.js";

describe("predictions for SWE-bench's evaluation", () => {
  it("one object per instance, sorted, with the three keys the harness reads", () => {
    const text = predictionsJsonl({
      "b__b-2": { instance_id: "b__b-2", model_name_or_path: "m", model_patch: "diff b\n" },
      "a__a-1": { instance_id: "a__a-1", model_name_or_path: "m", model_patch: "" },
    });
    const lines = text.trimEnd().split("\n");
    expect(text.endsWith("\n")).toBe(true);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { instance_id: "a__a-1", model_name_or_path: "m", model_patch: "" },
      { instance_id: "b__b-2", model_name_or_path: "m", model_patch: "diff b\n" },
    ]);
    expect(predictionsJsonl({})).toBe("");
  });

  it("the evaluation command names the HF dataset, split, file and run id, shell-quoted", () => {
    expect(
      evaluationCommand({
        subset: "lite",
        split: "test",
        predictionsPath: "/o/p.jsonl",
        runId: "r1",
      }),
    ).toBe(
      "python -m swebench.harness.run_evaluation --dataset_name princeton-nlp/SWE-Bench_Lite " +
        "--split test --predictions_path /o/p.jsonl --max_workers 8 --run_id r1",
    );
    const sample = evaluationCommand({
      subset: "sample",
      split: "test",
      predictionsPath: "/my dir/p.jsonl",
      runId: "r",
    });
    expect(sample).toContain(`--dataset_name ${SAMPLE_DATASET_PATH}`);
    expect(sample).toContain("--predictions_path '/my dir/p.jsonl'");
  });
});
