/**
 * Reading the GPUs with `nvidia-smi` and refusing, with a message a person can act on, when the
 * machine cannot hold the run: too few GPUs, too little memory, or no NVIDIA driver at all.
 * @module
 */
import { execa } from "execa";
import { ReproduceError } from "./errors.js";

export interface Gpu {
  readonly index: number;
  readonly name: string;
  readonly memoryMiB: number;
}

/** The machine cannot hold the run, or nvidia-smi failed (code `gpu_check`). */
export class GpuCheckError extends ReproduceError {
  override readonly name: string = "GpuCheckError";
  constructor(message: string) {
    super("gpu_check", message);
  }
}

export const NVIDIA_SMI_ARGS = [
  "--query-gpu=index,name,memory.total",
  "--format=csv,noheader,nounits",
] as const;

/** Parses `nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(text: string): Gpu[] {
  const gpus: Gpu[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") continue;
    const parts = line.split(",").map((p) => p.trim());
    const index = Number(parts[0]);
    const memoryMiB = Number(parts[parts.length - 1]);
    const name = parts.slice(1, -1).join(", ");
    if (parts.length < 3 || !Number.isInteger(index) || !Number.isFinite(memoryMiB)) {
      throw new GpuCheckError(`could not read this nvidia-smi line: "${line}"`);
    }
    gpus.push({ index, name, memoryMiB });
  }
  return gpus;
}

/** Runs nvidia-smi from PATH; a missing binary or a failing driver becomes a GpuCheckError. */
export async function queryGpus(env: NodeJS.ProcessEnv = process.env): Promise<Gpu[]> {
  const res = await execa("nvidia-smi", [...NVIDIA_SMI_ARGS], {
    env,
    reject: false,
    timeout: 60_000,
  });
  if (res.failed) {
    const code = (res as { code?: string }).code;
    if (code === "ENOENT") {
      throw new GpuCheckError(
        "nvidia-smi was not found on PATH: this machine has no NVIDIA driver. " +
          "Run with --simulate (engine-sim instead of vLLM), or point --backends at running vLLM servers.",
      );
    }
    const detail = String(res.stderr || res.stdout || res.shortMessage || "").trim();
    throw new GpuCheckError(`nvidia-smi failed (exit ${res.exitCode ?? "?"}): ${detail}`);
  }
  const gpus = parseNvidiaSmi(String(res.stdout));
  if (gpus.length === 0) throw new GpuCheckError("nvidia-smi lists no GPU.");
  return gpus;
}

export interface GpuRequirement {
  readonly model: string;
  readonly tensorParallelSize: number;
  readonly replicas: number;
  readonly weightsGiB: number;
  readonly gpuMemoryUtilization: number;
  /** GPU indices the user chose (--cuda-devices); default: every GPU in nvidia-smi's order. */
  readonly cudaDevices?: readonly number[] | undefined;
}

/**
 * Picks disjoint GPU sets, one per replica, or throws a GpuCheckError saying what is missing.
 * Memory: the weights of one replica must fit in its GPUs' usable memory with a tenth to spare
 * for activations and the KV cache.
 */
export function assignGpus(gpus: readonly Gpu[], req: GpuRequirement): number[][] {
  const need = req.tensorParallelSize * req.replicas;
  let pool = [...gpus];
  if (req.cudaDevices) {
    const byIndex = new Map(gpus.map((g) => [g.index, g]));
    const unknown = req.cudaDevices.filter((i) => !byIndex.has(i));
    if (unknown.length > 0) {
      throw new GpuCheckError(
        `--cuda-devices names GPU ${unknown.join(", ")}, but nvidia-smi lists only ${gpus.map((g) => g.index).join(", ")}.`,
      );
    }
    if (new Set(req.cudaDevices).size !== req.cudaDevices.length) {
      throw new GpuCheckError("--cuda-devices lists a GPU twice.");
    }
    pool = req.cudaDevices.map((i) => byIndex.get(i) as Gpu);
  }
  const layout =
    req.replicas > 1
      ? `${req.replicas} replicas × tensor-parallel ${req.tensorParallelSize}`
      : `tensor-parallel ${req.tensorParallelSize}`;
  if (pool.length < need) {
    const have = pool.map((g) => `${g.index}: ${g.name}`).join("; ");
    throw new GpuCheckError(
      `${req.model} with ${layout} needs ${need} GPUs, but ${pool.length} ${pool.length === 1 ? "is" : "are"} available (${have}). ` +
        "Lower --tensor-parallel-size / --replicas, use a bigger machine, or run with --simulate.",
    );
  }
  const sets: number[][] = [];
  for (let r = 0; r < req.replicas; r++) {
    const set = pool.slice(r * req.tensorParallelSize, (r + 1) * req.tensorParallelSize);
    const usableGiB = (set.reduce((s, g) => s + g.memoryMiB, 0) / 1024) * req.gpuMemoryUtilization;
    if (usableGiB < req.weightsGiB * 1.1) {
      throw new GpuCheckError(
        `${req.model} needs about ${Math.round(req.weightsGiB * 1.1)} GiB per replica (weights plus room for the KV cache), ` +
          `but GPUs ${set.map((g) => g.index).join(",")} give ${Math.floor(usableGiB)} GiB at --gpu-memory-utilization ${req.gpuMemoryUtilization}. ` +
          "Use more GPUs per replica (--tensor-parallel-size) or fewer replicas.",
      );
    }
    sets.push(set.map((g) => g.index));
  }
  return sets;
}
