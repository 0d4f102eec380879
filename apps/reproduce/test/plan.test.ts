import { describe, expect, it } from "vitest";
import { UsageError, parseOptions } from "../src/options.js";
import { formatPlan } from "../src/dry-run.js";
import { buildPlan } from "../src/plan.js";
import { PlanError, type PlanFacts } from "../src/plan-types.js";
import { REPO_ROOT, spawnMain, standInPath, tempDir } from "./helpers.js";

const facts: PlanFacts = {
  root: "/repo",
  cwd: "/work",
  execPath: "/usr/bin/node",
  hfCli: null,
  hfHome: "/data/hf",
  gpuSets: [[0, 1, 2, 3, 4, 5, 6, 7]],
  runId: "run1",
};
const plan = (argv: string[], f: Partial<PlanFacts> = {}) => {
  const o = parseOptions(argv);
  if (o === "help") throw new Error("help");
  return buildPlan(o, { ...facts, ...f });
};

async function dryRun(args: string[]): Promise<string> {
  const cwd = tempDir();
  const p = spawnMain(args, { PATH: standInPath(), HF_HOME: "/data/hf" }, cwd);
  const e = await p.exited;
  expect(e.code, p.output()).toBe(0);
  return p.output();
}

describe("--dry-run prints the seed's commands plus ours", () => {
  it("glm4.6: GLM-4.6-FP8 at TP 8 with an fp8 KV cache, the router, 128 workers", async () => {
    const out = await dryRun(["glm4.6", "--dry-run"]);
    const vllm = out.split("\n").find((l) => l.includes("vllm serve")) ?? "";
    expect(vllm).toMatch(
      /^CUDA_VISIBLE_DEVICES=0,1,2,3,4,5,6,7 HF_HOME=\/data\/hf vllm serve zai-org\/GLM-4\.6-FP8 /,
    );
    expect(vllm).toContain("--tensor-parallel-size 8");
    expect(vllm).toContain("--kv-cache-dtype fp8");
    expect(vllm).toContain("--port 8100");
    expect(vllm).toContain("--enable-prompt-tokens-details");
    expect(vllm).not.toContain("--quantization");
    expect(vllm).toContain("--download-dir /data/hf/hub"); // no HF CLI on this PATH
    expect(out).toContain("wait for http://127.0.0.1:8100/health (timeout 1800 s)");
    const proxy = out.split("\n").find((l) => l.includes("apps/proxy/src/main.ts")) ?? "";
    expect(proxy).toContain(
      "--port 8000 --backends http://127.0.0.1:8100 --backend-type vllm --router tr --metrics --profile --profile-dir ",
    );
    expect(proxy).toMatch(/--profile-dir \S*\/logs\/router_metrics\//);
    const runner = out.split("\n").find((l) => l.includes("apps/swebench/src/main.ts")) ?? "";
    expect(runner).toContain("--subset lite --split test --workers 128 --output ");
    expect(runner).toContain(
      "--base-url http://127.0.0.1:8000/v1 --environment-class docker --model zai-org/GLM-4.6-FP8",
    );
    expect(out).toContain("window: minutes 10–70 after start");
    expect(out).not.toContain("# system: vllm");
  }, 60_000);

  it("qwen3-235b: the BF16 checkpoint with --quantization fp8 at TP 8, fp8 KV cache", async () => {
    const out = await dryRun(["qwen3-235b", "--dry-run", "--compare"]);
    const serves = out.split("\n").filter((l) => l.includes("vllm serve"));
    expect(serves).toHaveLength(2); // a fresh engine for each system
    for (const l of serves) {
      expect(l).toContain("vllm serve Qwen/Qwen3-235B-A22B-Instruct-2507 --tensor-parallel-size 8");
      expect(l).toContain("--kv-cache-dtype fp8 --quantization fp8");
    }
    expect(out).toContain("# system: thunderagent");
    expect(out).toContain("# system: vllm");
    const runners = out.split("\n").filter((l) => l.includes("apps/swebench/src/main.ts"));
    expect(runners[1]).toContain("--base-url http://127.0.0.1:8100/v1"); // baseline: straight to vLLM
  }, 60_000);

  it("refuses what vLLM would reject before launching anything", async () => {
    const cwd = tempDir();
    const p = spawnMain(
      ["qwen3-235b", "--model", "Qwen/Qwen3-235B-A22B-Instruct-2507-FP8"],
      { PATH: standInPath(), HF_HOME: "/data/hf" },
      cwd,
    );
    expect((await p.exited).code).toBe(1);
    expect(p.output()).toMatch(
      /block-FP8 checkpoint.*--enable-expert-parallel.*--tensor-parallel-size 4 --replicas 2/s,
    );
    expect(p.output()).not.toContain("started");
  }, 60_000);

  it("refuses a real run without HF_HOME, naming the flag and the variable", async () => {
    const cwd = tempDir();
    const env = { PATH: standInPath(), HF_HOME: "" };
    const p = spawnMain(["glm4.6"], env, cwd);
    expect((await p.exited).code).toBe(1);
    expect(p.output()).toMatch(/HF_HOME is not set.*--hf-home DIR or export HF_HOME=DIR/);
    expect(REPO_ROOT).toBeTruthy();
  }, 60_000);
});

describe("plan", () => {
  it("overrides every seed value by a flag", () => {
    const p = plan(
      [
        "glm4.6",
        "--tp",
        "4",
        "--replicas",
        "2",
        "--model",
        "zai-org/GLM-4.6",
        "--kv-cache-dtype",
        "auto",
        "--vllm-port",
        "9100",
        "--proxy-port",
        "9000",
        "--health-timeout",
        "60",
        "--subset",
        "verified",
        "--split",
        "dev",
        "-w",
        "7",
        "-o",
        "out",
        "--logs-dir",
        "lg",
        "--profile-dir",
        "prof",
        "--vllm-arg=--max-num-seqs=64",
        "--proxy-arg=--log-level=debug",
        "--runner-arg=--shuffle",
        "--window",
        "5:25",
      ],
      {
        gpuSets: [
          [0, 1, 2, 3],
          [4, 5, 6, 7],
        ],
      },
    );
    const [sys] = plan_systems(p);
    expect(sys.engines.map((e) => e.env.CUDA_VISIBLE_DEVICES)).toEqual(["0,1,2,3", "4,5,6,7"]);
    expect(sys.engines.map((e) => e.args.slice(0, 4))).toEqual([
      ["serve", "zai-org/GLM-4.6", "--tensor-parallel-size", "4"],
      ["serve", "zai-org/GLM-4.6", "--tensor-parallel-size", "4"],
    ]);
    expect(sys.engines[1]?.args).toContain("9101");
    expect(sys.engines[0]?.args).toContain("--max-num-seqs=64");
    expect(sys.engines[0]?.health).toEqual({ url: "http://127.0.0.1:9100/health", timeoutS: 60 });
    const proxy = sys.proxy?.args.join(" ") ?? "";
    expect(proxy).toContain("--port 9000 --backends http://127.0.0.1:9100,http://127.0.0.1:9101");
    expect(proxy).toContain("--profile-dir /work/prof");
    expect(proxy).toContain("--log-level=debug");
    const runner = sys.runners[0]!.args.join(" ");
    expect(runner).toContain(
      "--subset verified --split dev --workers 7 --output /work/out/run1/thunderagent",
    );
    expect(runner).toContain("--shuffle");
    expect(p.window).toEqual({ startMin: 5, endMin: 25 });
    expect(p.runDir).toBe("/work/lg/run1");
  });

  it("uses the Hugging Face CLI when present instead of --download-dir", () => {
    const p = plan(["glm4.6"], { hfCli: "hf" });
    expect(p.download?.command).toBe("hf");
    expect(p.download?.args).toEqual(["download", "zai-org/GLM-4.6-FP8"]);
    expect(p.download?.env).toEqual({ HF_HOME: "/data/hf" });
    expect(plan_systems(p)[0].engines[0]?.args).not.toContain("--download-dir");
  });

  it("accepts the block-FP8 Qwen3 checkpoint with expert parallelism or TP 4 × 2", () => {
    const m = ["--model", "Qwen/Qwen3-235B-A22B-Instruct-2507-FP8"];
    expect(() => plan(["qwen3-235b", ...m, "--enable-expert-parallel"])).not.toThrow();
    expect(() => plan(["qwen3-235b", ...m, "--tp", "4", "--replicas", "2"])).not.toThrow();
    expect(() => plan(["qwen3-235b", ...m])).toThrow(PlanError);
    expect(() =>
      plan(["qwen3-235b", ...m, "--quantization", "fp8", "--enable-expert-parallel"]),
    ).toThrow(/already quantized/);
    expect(() => plan(["glm4.6", "--tp", "5"])).toThrow(/96 attention heads/);
    expect(() => plan(["glm4.6", "--kv-cache-dtype", "fp4"])).toThrow(/not one of vLLM's choices/);
  });

  it("splits a plain-vLLM baseline over several servers into one runner per server", () => {
    const p = plan(["glm4.6", "--compare", "--tp", "4", "--replicas", "2", "-w", "5"], {
      gpuSets: [
        [0, 1, 2, 3],
        [4, 5, 6, 7],
      ],
    });
    const [ta, vl] = plan_systems(p);
    expect(ta.runners).toHaveLength(1);
    expect(vl?.runners.map((r) => r.name)).toEqual(["runner-0", "runner-1"]);
    const args = vl?.runners.map((r) => r.args.join(" ")) ?? [];
    expect(args[0]).toContain(
      "--slice 0::2 --workers 3 --output /work/swebench_output/run1/vllm/server-0",
    );
    expect(args[0]).toContain("--base-url http://127.0.0.1:8100/v1");
    expect(args[1]).toContain(
      "--slice 1::2 --workers 2 --output /work/swebench_output/run1/vllm/server-1",
    );
    expect(args[1]).toContain("--base-url http://127.0.0.1:8101/v1");
    expect(vl?.stepSource).toEqual({
      kind: "trajectories",
      dirs: [
        "/work/swebench_output/run1/vllm/server-0",
        "/work/swebench_output/run1/vllm/server-1",
      ],
    });
    expect(p.notes.join(" ")).toMatch(/2 runners/);
  });

  it("--backends launches no engine and needs no HF_HOME", () => {
    const p = plan(["glm4.6", "--backends", "http://gpu1:8000,http://gpu2:8000/"], {
      hfHome: undefined,
      gpuSets: null,
    });
    const [sys] = plan_systems(p);
    expect(sys.engines).toHaveLength(0);
    expect(p.download).toBeNull();
    expect(sys.proxy?.args.join(" ")).toContain("--backends http://gpu1:8000,http://gpu2:8000");
  });

  it("--simulate: engine-sim with the preset's profile, scaled time, local sandboxes, sample data", () => {
    const p = plan(["qwen3-235b", "--simulate", "--compare"], { hfHome: undefined, gpuSets: null });
    expect(p.mode).toBe("simulated");
    expect(p.timeScale).toBe(0.0357);
    expect(p.minuteS).toBeCloseTo(2.142, 10);
    expect(p.workers).toBe(12);
    const [ta, vl] = plan_systems(p);
    const eng = ta.engines[0]?.args.join(" ") ?? "";
    expect(eng).toContain("packages/engine-sim/src/main.ts");
    expect(eng).toContain("--profile qwen3-235b");
    expect(eng).toContain(
      "--time-scale 0.0357 --compute-share 0.0325 --stream-interval 16 --enable-prompt-tokens-details",
    );
    expect(eng).toContain("--kv-tokens 56880 --max-model-len 55856");
    expect(ta.proxy?.args.join(" ")).toContain("--scheduler-interval 0.1785");
    expect(ta.runners[0]!.args.join(" ")).toContain("--environment-class local");
    expect(ta.runners[0]!.args.join(" ")).toContain(`--subset ${p.dataset?.path}`);
    expect(vl?.runners[0]!.args.join(" ")).toContain("--base-url http://127.0.0.1:8100/v1");
    expect(formatPlan(p)).toContain("one simulated minute takes 2.142 s");
  });

  it("--simulate scales the policy's times: backstops and the preset's acting lease", () => {
    const args = (extra: string[]) =>
      plan_systems(
        plan(["glm4.6", "--simulate", ...extra], { hfHome: undefined, gpuSets: null }),
      )[0]!.proxy!.args.join(" ");
    // 1800 s and the default's 15 s lease at 0.0357 real s per simulated s.
    expect(args([])).toContain("--force-resume-timeout 64.26 --abandon-timeout 64.26");
    expect(args([])).toContain("--acting-lease 0.5355");
    // The original has no lease: none is switched on for it.
    expect(args(["--proxy-arg=--policy", "--proxy-arg=original"])).not.toContain("--acting-lease");
    expect(args(["--proxy-arg=--policy=original"])).not.toContain("--acting-lease");
    // Read by the proxy's own parser: an abbreviation the proxy accepts counts too.
    expect(args(["--proxy-arg=--pol", "--proxy-arg=original"])).not.toContain("--acting-lease");
  });

  it("rejects bad flags with the flag's name", () => {
    expect(() => parseOptions(["glm4.6", "--window", "70:10"])).toThrow(
      /--window: the window's end/,
    );
    expect(() => parseOptions(["glm4.6", "--workers", "0"])).toThrow(/--workers/);
    expect(() => parseOptions(["glm5"])).toThrow(
      'preset must be one of glm4.6, qwen3-235b, got "glm5"',
    );
    expect(() => parseOptions([])).toThrow(UsageError);
    expect(() => parseOptions(["glm4.6", "--bogus"])).toThrow(/bogus/);
    expect(() => parseOptions(["glm4.6", "--baseline", "--compare"])).toThrow(/exclude/);
    expect(() => parseOptions(["glm4.6", "--backends", "not a url"])).toThrow(/--backends/);
  });
});

function plan_systems(p: ReturnType<typeof plan>) {
  const [a, b] = p.systems;
  if (!a) throw new Error("no system");
  return [a, b] as const;
}

describe("flag names in errors", () => {
  it("names the flag the user typed", () => {
    expect(() => parseOptions(["glm4.6", "--health-timeout=-1"])).toThrow(
      /^--health-timeout must be > 0, got "-1"$/,
    );
    expect(() => parseOptions(["glm4.6", "--grace", "x"])).toThrow(/^--grace must be a number/);
    expect(() => parseOptions(["glm4.6", "--duration", "0"])).toThrow(/^--duration must be > 0/);
    expect(() => parseOptions(["glm4.6", "--tp", "2", "--tensor-parallel-size", "2"])).toThrow(
      "give --tp or --tensor-parallel-size, not both",
    );
    expect(() => parseOptions(["glm4.6", "--replica", "2"])).toThrow(
      "unknown option '--replica'; did you mean --replicas?",
    );
  });
});
