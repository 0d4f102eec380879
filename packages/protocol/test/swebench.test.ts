import { describe, expect, it } from "vitest";
import {
  MeasurementWindow,
  Predictions,
  ReproduceReport,
  SweBenchInstance,
  sweBenchImageName,
  Trajectory,
} from "../src/index.js";

const instance = {
  instance_id: "astropy__astropy-12907",
  repo: "astropy/astropy",
  base_commit: "d16bfe05a744909de4b27f5875fe0d4ed41ce607",
  problem_statement: "Modeling's `separability_matrix` does not compute separability correctly",
  patch: "diff --git a/x b/x\n",
  test_patch: "diff --git a/t b/t\n",
  FAIL_TO_PASS:
    '["astropy/modeling/tests/test_separable.py::test_separable[compound_model6-result6]"]',
  PASS_TO_PASS: ["astropy/modeling/tests/test_separable.py::test_coord_matrix"],
  version: "4.3",
  environment_setup_commit: "298ccb478e6bf092953bca67a3d29dc6c35f6752",
  created_at: "2022-03-03T15:14:54Z",
  hints_text: "",
};

describe("SWE-bench instances", () => {
  it("parses JSON-string and array test lists to arrays, and keeps extra fields", () => {
    const parsed = SweBenchInstance.parse({ ...instance, files: { "a.py": "x" } });
    expect(parsed.FAIL_TO_PASS).toEqual([
      "astropy/modeling/tests/test_separable.py::test_separable[compound_model6-result6]",
    ]);
    expect(parsed.PASS_TO_PASS).toHaveLength(1);
    expect(parsed["files"]).toEqual({ "a.py": "x" });
  });

  it("names a malformed test list", () => {
    const res = SweBenchInstance.safeParse({ ...instance, FAIL_TO_PASS: "not json" });
    expect(res.success).toBe(false);
    expect(res.error!.issues[0]!.path).toEqual(["FAIL_TO_PASS"]);
  });

  it("derives SWE-bench's image name, or uses the instance's", () => {
    expect(sweBenchImageName(instance)).toBe(
      "docker.io/swebench/sweb.eval.x86_64.astropy_1776_astropy-12907:latest",
    );
    expect(sweBenchImageName({ ...instance, image_name: "testbed:latest" })).toBe("testbed:latest");
  });
});

describe("preds.json", () => {
  it("accepts matching keys and rejects a mismatch with its path", () => {
    const ok = { a: { model_name_or_path: "m", instance_id: "a", model_patch: "" } };
    expect(Predictions.parse(ok)).toEqual(ok);
    const res = Predictions.safeParse({
      a: { model_name_or_path: "m", instance_id: "b", model_patch: "" },
    });
    expect(res.success).toBe(false);
    expect(res.error!.issues[0]!.path).toEqual(["a", "instance_id"]);
  });
});

describe("trajectory", () => {
  it("accepts a mini-swe-agent trajectory with step timings", () => {
    const traj = {
      trajectory_format: "mini-swe-agent-1",
      instance_id: "a",
      info: {
        exit_status: "Submitted",
        submission: "diff",
        program_id: "a-run1",
        model_stats: { instance_cost: 0, api_calls: 1 },
        step_timings: [
          {
            step: 1,
            query_start: 1,
            first_token: 1.5,
            last_token: 2,
            prompt_tokens: 100,
            completion_tokens: 10,
            cached_tokens: 0,
            tool_start: 2,
            tool_end: 2.5,
          },
        ],
        mini_version: "ts",
      },
      messages: [{ role: "system", content: "s" }],
    };
    expect(Trajectory.parse(traj).info.step_timings).toHaveLength(1);
    expect(Trajectory.safeParse({ ...traj, trajectory_format: "v2" }).success).toBe(false);
  });
});

describe("reproduce report", () => {
  it("validates a report and rejects an inverted window", () => {
    const report = {
      schema_version: 1,
      preset: "glm4.6",
      model: "zai-org/GLM-4.6-FP8",
      mode: "simulated",
      generated_at: "2026-11-25T00:00:00.000Z",
      window: { start_min: 10, end_min: 70 },
      time_scale: 0.01,
      runs: [
        {
          system: "thunderagent",
          started_at: 1,
          steps_counted: 600,
          steps_per_min: 10,
          total_steps: 700,
          steps_per_minute_series: [10, 10],
          source: "logs/router_metrics/step_profiles.csv",
          workers: 96,
          kv_hit_rate: 0.93,
        },
      ],
      speedup: null,
      plots: [],
    };
    expect(ReproduceReport.parse(report).runs[0]!.steps_per_min).toBe(10);
    const res = MeasurementWindow.safeParse({ start_min: 70, end_min: 10 });
    expect(res.success).toBe(false);
    expect(res.error!.issues[0]!.path).toEqual(["end_min"]);
  });
});
