/**
 * The `reproduce` command line as one table (cli-kit): every preset value has a flag. Paths stay
 * as given (the plan resolves them against the caller's directory); options.ts validates the
 * values.
 * @module
 */
import { ENVIRONMENT_CLASS_NAMES } from "@thunderagent/agent-core";
import { defineCli, helpText, type OptionSpec } from "@thunderagent/cli-kit";
import { RouterMode } from "@thunderagent/protocol";
import { BACKEND_TYPE_NAMES } from "@thunderagent/router-core";
import { PRESET_NAMES } from "./presets.js";

const repeat = (value: string, help: string): OptionSpec => ({ value, help, repeat: true });

/** Gives every option of a section its `--help` heading. */
function section<T extends Record<string, OptionSpec>>(group: string, specs: T): T {
  return Object.fromEntries(
    Object.entries(specs).map(([flag, spec]) => [flag, { ...spec, group }]),
  ) as T;
}

/** Flag → spec; the value's key is the flag in camelCase unless `key` says otherwise (Options' key). */
export const REPRODUCE_FLAGS = {
  ...section("Run:", {
    simulate: { help: "engine-sim instead of vLLM, time-compressed, local sandboxes, sample data" },
    compare: {
      help: "router run, then plain-vLLM baseline run; one report and the comparison plot",
    },
    baseline: { help: "only the baseline (agents talk to vLLM directly)" },
    backends: {
      value: "URL,...",
      help: "use engines that already run; launch none (no GPU check)",
    },
    "backend-type": {
      value: "T",
      help: `what those engines are: ${BACKEND_TYPE_NAMES.join("|")} (vllm; launched engines are vLLM)`,
    },
    "dry-run": { help: "print every command with all its flags, then exit" },
    window: { value: "A:B", help: "measurement window in minutes after start (10:70)" },
    duration: {
      value: "MIN",
      key: "durationMin",
      help: "stop the run after MIN minutes (default: the window's end)",
    },
    "run-to-completion": { help: "let the runner finish its dataset instead" },
    report: {
      value: "PATH",
      help: "report JSON path (markdown and SVG plots beside it)",
    },
  }),
  ...section("Sweep:", {
    sweep: {
      value: "N,...",
      help: "cells over N × {router, vLLM}; without a list the paper's N (glm4.6 24,48,72,96; qwen3-235b 144,168,192)",
    },
    repeat: { value: "K", help: "rounds of the sweep, interleaved (1)" },
    resume: {
      value: "DIR",
      help: "continue the sweep in DIR: finished cells are kept, an interrupted one runs again",
    },
    virtual: {
      help: "with --simulate: bench:sched's virtual-time simulation instead of processes (paper's N, seconds per cell)",
    },
  }),
  ...section("Engines:", {
    model: { value: "NAME", help: "model to serve (the preset's)" },
    "served-model-name": { value: "NAME", help: "name the runner asks for (the model)" },
    "tensor-parallel-size": { value: "N", help: "GPUs per engine (the preset's)" },
    tp: { value: "N", help: "same as --tensor-parallel-size" },
    replicas: { value: "N", help: "engines (1)" },
    "enable-expert-parallel": { help: "vLLM --enable-expert-parallel" },
    quantization: { value: "Q", help: "vLLM --quantization (the preset's; none to drop it)" },
    "kv-cache-dtype": { value: "T", help: "vLLM --kv-cache-dtype (the preset's)" },
    "gpu-memory-utilization": { value: "F", help: "vLLM --gpu-memory-utilization, 0 < F <= 1" },
    "max-model-len": { value: "N", help: "vLLM --max-model-len" },
    "cuda-devices": { value: "0,1,..", help: "GPUs to use (all)" },
    "vllm-port": { value: "P", help: "first engine port (the preset's)" },
    "health-timeout": {
      value: "S",
      key: "healthTimeoutS",
      help: "seconds an engine may take to answer /health",
    },
    "hf-home": { value: "DIR", help: "Hugging Face cache (default $HF_HOME)" },
    "download-dir": { value: "DIR", help: "vLLM --download-dir" },
    "vllm-arg": { ...repeat("ARG", "passed to vllm serve (repeatable)"), key: "vllmArgs" },
    "engine-arg": { ...repeat("ARG", "passed to engine-sim (repeatable)"), key: "engineArgs" },
  }),
  ...section("Router:", {
    "proxy-port": { value: "P", help: "the router's port (the preset's)" },
    router: { value: "MODE", help: `${RouterMode.options.join("|")} (tr)` },
    "scheduler-interval": {
      value: "S",
      help: "the router's --scheduler-interval (scaled when simulated)",
    },
    "profile-dir": {
      value: "DIR",
      help: "where step_profiles.csv goes (<logs>/router_metrics/<run>)",
    },
    "proxy-arg": { ...repeat("ARG", "passed to the router (repeatable)"), key: "proxyArgs" },
  }),
  ...section("Runner:", {
    subset: { value: "NAME", help: "the runner's --subset (the preset's; sample when simulated)" },
    split: { value: "SPLIT", help: "the runner's --split" },
    workers: { value: "N", short: "w", help: "concurrent agents (the preset's)" },
    output: {
      value: "DIR",
      short: "o",
      help: "the runner's output root (./swebench_output)",
    },
    "environment-class": { value: "C", help: ENVIRONMENT_CLASS_NAMES.join("|") },
    config: {
      ...repeat("FILE|key=value", "the runner's -c (repeatable)"),
      short: "c",
      key: "runnerConfigs",
    },
    "runner-arg": { ...repeat("ARG", "passed to the runner (repeatable)"), key: "runnerArgs" },
  }),
  ...section("Other:", {
    host: { value: "H", help: "address the engines and the router listen on (127.0.0.1)" },
    "logs-dir": { value: "DIR", help: "logs root (./logs)" },
    "time-scale": { value: "X", help: "simulated runs: real seconds per simulated second" },
    "sim-kv-scale": { value: "F", help: "simulated runs: KV capacity factor" },
    grace: {
      value: "S",
      key: "graceS",
      help: "seconds between SIGTERM and SIGKILL when stopping (10)",
    },
  }),
} as const;

export const REPRODUCE_CLI = defineCli(import.meta.url, {
  name: "reproduce",
  summary:
    "Launches the engines (vLLM, or engine-sim with --simulate), the router and the SWE-bench runner; reports steps/min.",
  usage: "<preset> [options]",
  options: REPRODUCE_FLAGS,
  args: [{ name: "preset", help: PRESET_NAMES.join(" | ") }],
  epilog:
    "Relative paths (--report, -o, --logs-dir, --profile-dir, --download-dir, --hf-home, -c FILE) and\n" +
    "the default directories are taken from the directory the command was run in (INIT_CWD under\n" +
    "pnpm/npm, else the cwd).",
});

/** The `--help` text. */
export function usage(): string {
  return helpText(REPRODUCE_CLI);
}
