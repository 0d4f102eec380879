/**
 * "Go past the paper": policy variants of router-tr, each run on the same seeds as the baseline (the
 * original ThunderAgent policy, router-core's ORIGINAL_THUNDERAGENT_OPTIONS) at
 * GLM N = 96 (where the paper's policy still wastes capacity) and N = 24 (where it must not hurt).
 * A variant is kept only if it raises the N = 96 throughput on every seed and on average, and
 * does not lower N = 24 by more than 1 %. `pnpm bench:sched --experiments --seeds 3`.
 * @module
 */
import type { RunRow } from "./results.js";
import type { ScrapePolicy } from "./scrape-policy.js";
import { DEFAULT_ROUTER_OPTIONS } from "@thunderagent/router-core";
import { ORIGINAL_POLICY_OPTIONS, job, type Job } from "./systems.js";

const { mode: _mode, profile: _profile, ...DEFAULT_POLICY } = DEFAULT_ROUTER_OPTIONS;

export interface Variant {
  name: string;
  what: string;
  routerOptions?: Record<string, unknown>;
  scrapePolicy?: ScrapePolicy;
}

export const VARIANTS: readonly Variant[] = [
  {
    name: "shared-credit-unless-queued",
    what: "sharedCredit never → unless-queued: credit prefix sharing (reasoning − kv usage) except while the engine has waiting requests",
    routerOptions: { sharedCredit: "unless-queued" },
  },
  {
    name: "mark-until-fits",
    what: "markReasoning all → until-fits: mark reasoning programs only until the marked tokens bring the backend under capacity",
    routerOptions: { markReasoning: "until-fits" },
  },
  {
    name: "buffer-600",
    what: "bufferPerProgram 100 → 600: reserve one step of context growth (~430 tokens) plus the reply's transient KV per program",
    routerOptions: { bufferPerProgram: 600 },
  },
  {
    name: "acting-weight-0.8",
    what: "actingTokenWeight 1.0 → 0.8: count acting programs' KV at 80 % (they return and hit; a little overcommit)",
    routerOptions: { actingTokenWeight: 0.8 },
  },
  {
    name: "defaults",
    what: "router-core's defaults (DEFAULT_ROUTER_OPTIONS) in place of the original's policy",
    routerOptions: { ...DEFAULT_POLICY },
  },
];

export const EXPERIMENT_NS = [24, 96] as const;

export function experimentJobs(seeds: number, firstSeed: number, only?: readonly string[]): Job[] {
  const jobs: Job[] = [];
  const variants = VARIANTS.filter((v) => !only || only.includes(v.name));
  for (let s = 0; s < seeds; s++) {
    for (const n of EXPERIMENT_NS) {
      // Baseline and variants start from the original ThunderAgent policy (router-core's
      // ORIGINAL_THUNDERAGENT_OPTIONS), whatever router-core's defaults are now.
      jobs.push(
        job("glm4.6", n, "router-tr", firstSeed + s, {
          routerOptions: { ...ORIGINAL_POLICY_OPTIONS },
        }),
      );
      for (const v of variants) {
        jobs.push(
          job("glm4.6", n, "router-tr", firstSeed + s, {
            variant: v.name,
            routerOptions: { ...ORIGINAL_POLICY_OPTIONS, ...v.routerOptions },
            ...(v.scrapePolicy ? { scrapePolicy: v.scrapePolicy } : {}),
          }),
        );
      }
    }
  }
  return jobs;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export interface Verdict {
  variant: string;
  what: string;
  n96: { base: number; var: number; perSeed: string; hitBase: number; hitVar: number };
  n24: { base: number; var: number };
  kept: boolean;
  why: string;
}

export function verdicts(runs: readonly RunRow[]): Verdict[] {
  const pick = (variant: string | null, n: number) =>
    runs.filter((r) => r.variant === variant && r.n === n).sort((a, b) => a.seed - b.seed);
  const b96 = pick(null, 96);
  const b24 = pick(null, 24);
  const out: Verdict[] = [];
  for (const v of VARIANTS) {
    const v96 = pick(v.name, 96);
    const v24 = pick(v.name, 24);
    if (v96.length === 0) continue;
    const deltas = v96.map((r) => {
      const base = b96.find((x) => x.seed === r.seed);
      return base ? r.stepsPerMin - base.stepsPerMin : Number.NaN;
    });
    const allUp = deltas.every((d) => d > 0);
    const m96 = mean(v96.map((r) => r.stepsPerMin));
    const mb96 = mean(b96.map((r) => r.stepsPerMin));
    const m24 = mean(v24.map((r) => r.stepsPerMin));
    const mb24 = mean(b24.map((r) => r.stepsPerMin));
    const n24ok = m24 >= 0.99 * mb24;
    const kept = allUp && m96 > mb96 && n24ok;
    out.push({
      variant: v.name,
      what: v.what,
      n96: {
        base: mb96,
        var: m96,
        perSeed: deltas.map((d) => (d >= 0 ? "+" : "") + d.toFixed(1)).join(" / "),
        hitBase: mean(b96.map((r) => r.kvHitRate)),
        hitVar: mean(v96.map((r) => r.kvHitRate)),
      },
      n24: { base: mb24, var: m24 },
      kept,
      why: kept
        ? "raises N = 96 on every seed, N = 24 unchanged"
        : !allUp
          ? "N = 96 not better on every seed"
          : !n24ok
            ? "hurts N = 24"
            : "N = 96 not better on average",
    });
  }
  return out;
}

export function verdictTable(vs: readonly Verdict[]): string {
  const lines = [
    "| variant | change | N=96 steps/min base → variant (Δ per seed) | N=96 hit % base → variant | N=24 steps/min base → variant | verdict |",
    "|---|---|---|---|---|---|",
  ];
  for (const v of vs) {
    lines.push(
      `| ${v.variant} | ${v.what} | ${v.n96.base.toFixed(1)} → ${v.n96.var.toFixed(1)} (${v.n96.perSeed}) | ${(100 * v.n96.hitBase).toFixed(1)} → ${(100 * v.n96.hitVar).toFixed(1)} | ${v.n24.base.toFixed(1)} → ${v.n24.var.toFixed(1)} | ${v.kept ? "KEPT" : "not kept"}: ${v.why} |`,
    );
  }
  return lines.join("\n");
}
