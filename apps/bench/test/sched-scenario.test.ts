import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runJob } from "../src/sched/run-job.js";
import { scenarioJobs, withReleases } from "../src/sched/scenario-jobs.js";
import {
  ScenarioError,
  loadScenario,
  loadScenarios,
  parseScenario,
} from "../src/sched/scenario-load.js";
import { runScenarioMode } from "../src/sched/scenario-main.js";
import { SCENARIOS_DIR, sweepJobs } from "../src/sched/sweeps.js";
import { ORIGINAL_POLICY_OPTIONS } from "../src/sched/systems.js";

const fixture = (f: string) => join(import.meta.dirname, "fixtures", f);
const minimal = { name: "x", n: 8, systems: [{ name: "vllm", kind: "vllm" }] };

/** The one-line error for `data` (parsed as if it came from file x.yaml). */
function errorOf(data: unknown): string {
  try {
    parseScenario(data, "x.yaml");
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message;
  }
  throw new Error("no error");
}

describe("scenario files: schema and loader", () => {
  it("fills the defaults of a minimal scenario", () => {
    const s = parseScenario(minimal, "x.yaml");
    expect(s.engine).toEqual({ profile: "glm4.6", replicas: 1 });
    expect(s.client).toEqual({ release: true, groupSize: 1 });
    expect(s.arrival).toEqual({ pattern: "all" });
    expect(s.n).toEqual([8]);
    expect(s.window).toEqual({ startS: 600, endS: 4200 });
    expect(s.sloS).toBe(10);
    expect(s.systems[0]).toMatchObject({ preset: "default", routing: "global" });
  });

  it("refuses a bad field with one line naming its path", () => {
    const bad = (patch: Record<string, unknown>) => errorOf({ ...minimal, ...patch });
    expect(bad({ workload: { params: { steps: { median: "many" } } } })).toMatch(
      /^x\.yaml: workload\.params\.steps\.median: .*number/,
    );
    expect(bad({ engine: { profile: "llama" } })).toMatch(/^x\.yaml: engine\.profile: /);
    expect(
      bad({ systems: [{ name: "a", kind: "router-tr", routerOptions: { resumePlacement: "x" } }] }),
    ).toMatch(/^x\.yaml: systems\.0\.routerOptions\.resumePlacement: /);
    expect(
      bad({ systems: [{ name: "a", kind: "router-tr", routerOptions: { frobnicate: 1 } }] }),
    ).toMatch(/^x\.yaml: systems\.0\.routerOptions: .*frobnicate/);
    expect(bad({ arrival: { pattern: "burst", atS: 10, agents: 9 } })).toMatch(
      /^x\.yaml: arrival\.agents: must be ≤ the smallest n \(8\)/,
    );
    expect(bad({ client: { groupSize: 3 } })).toMatch(/^x\.yaml: client\.groupSize: /);
    expect(bad({ matrix: { systems: ["nope"] } })).toMatch(/^x\.yaml: matrix\.systems\.0: /);
    expect(bad({ window: { startS: 900, endS: 600 } })).toMatch(/^x\.yaml: window\.startS: /);
    expect(bad({ n: undefined })).toMatch(/^x\.yaml: n: /);
    expect(errorOf([])).toMatch(/^x\.yaml: \(root\): /);
    for (const m of [bad({ workload: { params: { steps: { median: "many" } } } })]) {
      expect(m).not.toContain("\n");
    }
  });

  it("names the file and the field for a bad file, and for bad YAML", () => {
    expect(() => loadScenario(fixture("bad-scenario.yaml"))).toThrow(
      /bad-scenario\.yaml: workload\.params\.steps\.median: /,
    );
    expect(() => loadScenario(fixture("nope.yaml"))).toThrow(/nope\.yaml: cannot read \(ENOENT\)/);
    expect(() => loadScenarios([fixture("no-such-dir")])).toThrow(/no such file or directory/);
  });

  it("loads every shipped scenario", () => {
    const files = readdirSync(SCENARIOS_DIR).filter((f) => /\.ya?ml$|\.json$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(9);
    const loaded = loadScenarios([SCENARIOS_DIR]);
    expect(loaded.map((s) => s.scenario.name)).toEqual(
      expect.arrayContaining([
        "paper-glm",
        "paper-qwen",
        "openhands",
        "pool4-long-context",
        "never-release",
        "heavy-tail-mix",
        "rl-groups",
        "burst",
      ]),
    );
  });

  it("the paper's sweep files give the built-in sweep's jobs", () => {
    const quick = sweepJobs({ quick: true, seeds: 1, firstSeed: 1 });
    expect(quick.map((j) => `${j.n} ${j.system}`)).toEqual(
      [24, 96].flatMap((n) =>
        ["vllm", "router-default", "router-tr", "router-tr-decay", "continuum"].map(
          (s) => `${n} ${s}`,
        ),
      ),
    );
    for (const j of quick) {
      expect(j).toMatchObject({ profile: "glm4.6", backends: 1, routing: "global", seed: 1 });
      expect(j.routerOptions).toBeUndefined();
      expect(j.workload).toBeUndefined();
      expect(j.engine).toBeUndefined();
      expect(j.variant).toBeUndefined();
    }
    const full = sweepJobs({ quick: false, seeds: 1, firstSeed: 1 });
    const orig = full.filter((j) => j.variant === "original policy");
    expect(orig.map((j) => j.n)).toEqual([24, 48, 72, 96, 144, 168, 192]);
    expect(orig[0]!.routerOptions).toEqual({ ...ORIGINAL_POLICY_OPTIONS });
  });

  it("builds the matrix jobs and the never-release twin", () => {
    const s = loadScenario(join(SCENARIOS_DIR, "never-release.yaml"));
    const jobs = scenarioJobs(s, { seeds: 2, firstSeed: 5, matrix: true });
    expect(jobs.map((j) => `${j.seed} ${j.systemName}`)).toEqual([
      "5 vllm",
      "5 default",
      "5 original",
      "6 vllm",
      "6 default",
      "6 original",
    ]);
    expect(jobs[0]!.clients).toEqual({ release: false, groupSize: 1 });
    expect(jobs[0]!.engine).toEqual({ numGpuBlocks: 25_000 });
    const twin = scenarioJobs(withReleases(s), { seeds: 1, firstSeed: 1 });
    expect(twin[0]!.scenario).toBe("never-release+release");
    expect(twin[0]!.clients).toBeUndefined();
  });
});

describe("a recorded trace as the workload", () => {
  it("replays the sessions turn by turn", () => {
    const loaded = loadScenario(fixture("trace-scenario.yaml"));
    expect(loaded.trace).toHaveLength(2);
    const jobs = scenarioJobs(loaded, { seeds: 1, firstSeed: 1 });
    expect(jobs[0]!.scripts?.kind).toBe("trace");
    expect(jobs[0]!.arrival).toEqual({ pattern: "ramp", overS: 20 });
    const [vllm, router] = jobs.map(runJob);
    // 4 agents replaying 2- and 3-call sessions with 0.5–4 s tools: many programs end.
    expect(vllm!.programsFinished).toBeGreaterThan(20);
    expect(vllm!.stepsPerMin).toBeGreaterThan(10);
    expect(router!.stepsPerMin).toBeCloseTo(vllm!.stepsPerMin, 6);
  });

  it("names the trace file and the field for a bad trace", () => {
    const bad = { ...minimal, workload: { trace: { sessions: [{ turns: [{ input: 1 }] }] } } };
    expect(errorOf(bad)).toMatch(/^x\.yaml: workload\.trace/);
  });
});

describe("a tiny scenario end to end", () => {
  const loaded = loadScenario(fixture("tiny-scenario.yaml"));
  const rows = scenarioJobs(loaded, { seeds: 1, firstSeed: 1 }).map(runJob);

  it("yields every metric for every system", () => {
    expect(rows.map((r) => r.systemName)).toEqual([
      "vllm",
      "original",
      "default",
      "default+origin-first",
    ]);
    for (const r of rows) {
      expect(r.scenario).toBe("tiny");
      expect(r.stepsPerMin).toBeGreaterThan(0);
      expect(r.goodputPerMin).toBeGreaterThan(0);
      expect(r.goodputPerMin).toBeLessThanOrEqual(r.stepsPerMin);
      expect(r.goodputShare).toBeCloseTo(r.goodputPerMin / r.stepsPerMin, 9);
      expect(r.kvHitRate).toBeGreaterThan(0);
      expect(r.stepP50S).toBeGreaterThan(0);
      expect(r.stepP99S).toBeGreaterThanOrEqual(r.stepP50S);
      expect(r.longestWaitS).toBeGreaterThanOrEqual(0);
      expect(r.pauseGini).toBeGreaterThanOrEqual(0);
      expect(r.pauseGini).toBeLessThan(1);
      expect(r.sloS).toBe(5);
    }
    const [vllm, ...routers] = rows;
    expect(vllm!.longestWaitS).toBe(0);
    expect(vllm!.routerPauses).toBeNull();
    expect(vllm!.resumesMoved).toBeNull();
    expect(vllm!.booksGap).toBeNull();
    for (const r of routers) {
      expect(r.routerPauses).toBeGreaterThan(0);
      expect(r.programsCounted).toBeGreaterThan(16);
      expect(r.pauseGini).toBeGreaterThan(0);
      expect(r.longestWaitS).toBeGreaterThan(0);
      expect(r.resumesMoved).toEqual(expect.any(Number));
      expect(r.originResumes).toEqual(expect.any(Number));
      expect(r.resumesMoved! + r.originResumes!).toBeGreaterThan(0);
      expect(r.booksGap).toEqual(expect.any(Number));
    }
    expect(rows[3]!.leaseExpiries).toBeGreaterThan(0);
  });

  it("prints the table and writes nothing for a good file; one line and 2 for a bad one", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) };
    const base = { seeds: 1, seed: 1, workers: 1 };
    expect(await runScenarioMode({ ...base, scenario: fixture("bad-scenario.yaml") }, io)).toBe(2);
    expect(err.join("")).toMatch(
      /^bench:sched: .*bad-scenario\.yaml: workload\.params\.steps\.median: [^\n]*\n$/,
    );
    expect(out).toEqual([]);
  });
});
