/** reproduce's one error base: its errors carry a literal code and keep their own names. */
import { describe, expect, it } from "vitest";
import {
  ChildFailedError,
  GpuCheckError,
  HealthTimeoutError,
  PlanError,
  ReproduceError,
  countWindow,
} from "../src/index.js";

describe("ReproduceError", () => {
  it("the named errors derive from it, each with its code", () => {
    const cases: Array<[Error, string, string]> = [
      [new PlanError("x"), "PlanError", "invalid_plan"],
      [new GpuCheckError("x"), "GpuCheckError", "gpu_check"],
      [new ChildFailedError("x"), "ChildFailedError", "child_failed"],
      [new HealthTimeoutError("x"), "HealthTimeoutError", "health_failed"],
    ];
    for (const [err, name, code] of cases) {
      expect(err).toBeInstanceOf(ReproduceError);
      expect(err).toMatchObject({ name, code, retryable: false });
    }
    expect(new HealthTimeoutError("x", { retryable: true }).retryable).toBe(true);
  });

  it("a window whose end does not follow its start is invalid_window", () => {
    expect(() => countWindow([], 0, { startMin: 70, endMin: 10 })).toThrow(
      expect.objectContaining({ name: "ReproduceError", code: "invalid_window" }),
    );
  });
});
