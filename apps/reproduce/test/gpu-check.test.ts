import { describe, expect, it } from "vitest";
import { GpuCheckError, assignGpus, parseNvidiaSmi, queryGpus } from "../src/gpu-check.js";
import { BIN, standInPath } from "./helpers.js";

const env = (extra: Record<string, string> = {}) => ({
  ...process.env,
  PATH: standInPath(),
  ...extra,
});
const glm = {
  model: "zai-org/GLM-4.6-FP8",
  tensorParallelSize: 8,
  replicas: 1,
  weightsGiB: 331,
  gpuMemoryUtilization: 0.9,
};

describe("GPU check", () => {
  it("reads what nvidia-smi prints", async () => {
    const gpus = await queryGpus(env());
    expect(gpus).toHaveLength(8);
    expect(gpus[3]).toEqual({ index: 3, name: "NVIDIA H100 80GB HBM3", memoryMiB: 81559 });
    expect(assignGpus(gpus, glm)).toEqual([[0, 1, 2, 3, 4, 5, 6, 7]]);
  });

  it("parses names with commas", () => {
    expect(parseNvidiaSmi("0, NVIDIA A100-SXM4-80GB, rev 2, 81920\n")).toEqual([
      { index: 0, name: "NVIDIA A100-SXM4-80GB, rev 2", memoryMiB: 81920 },
    ]);
  });

  it("refuses when fewer GPUs than the preset needs", async () => {
    const gpus = await queryGpus(env({ FAKE_GPUS: "4" }));
    expect(() => assignGpus(gpus, glm)).toThrow(GpuCheckError);
    expect(() => assignGpus(gpus, glm)).toThrow(/needs 8 GPUs, but 4 are available/);
  });

  it("refuses replicas that do not fit", async () => {
    const gpus = await queryGpus(env());
    expect(() =>
      assignGpus(gpus, { ...glm, tensorParallelSize: 4, replicas: 3, weightsGiB: 200 }),
    ).toThrow(/3 replicas × tensor-parallel 4 needs 12 GPUs/);
  });

  it("gives replicas disjoint GPU sets", async () => {
    const gpus = await queryGpus(env());
    expect(
      assignGpus(gpus, { ...glm, tensorParallelSize: 4, replicas: 2, weightsGiB: 221 }),
    ).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    expect(
      assignGpus(gpus, {
        ...glm,
        tensorParallelSize: 2,
        replicas: 2,
        weightsGiB: 1,
        cudaDevices: [7, 5, 3, 1],
      }),
    ).toEqual([
      [7, 5],
      [3, 1],
    ]);
  });

  it("refuses when the weights do not fit in memory", async () => {
    const gpus = await queryGpus(env({ FAKE_GPU_MEM: "40960" }));
    expect(() => assignGpus(gpus, glm)).toThrow(/needs about 364 GiB per replica.*give 288 GiB/);
  });

  it("refuses unknown or repeated --cuda-devices", async () => {
    const gpus = await queryGpus(env());
    expect(() => assignGpus(gpus, { ...glm, cudaDevices: [0, 1, 2, 3, 4, 5, 6, 9] })).toThrow(
      /names GPU 9/,
    );
    expect(() => assignGpus(gpus, { ...glm, cudaDevices: [0, 0, 1, 2, 3, 4, 5, 6] })).toThrow(
      /twice/,
    );
  });

  it("says so clearly when there is no NVIDIA driver", async () => {
    await expect(queryGpus({ ...process.env, PATH: "/nonexistent" })).rejects.toThrow(
      /nvidia-smi was not found on PATH.*--simulate/,
    );
  });

  it("reports a broken driver with nvidia-smi's own words", async () => {
    await expect(queryGpus(env({ FAKE_GPU_FAIL: "1" }))).rejects.toThrow(
      /nvidia-smi failed \(exit 9\).*couldn't communicate with the NVIDIA driver/,
    );
    expect(BIN).toContain("fixtures");
  });
});
