/**
 * Golden traces: what a router showed after every step of a scenario, as JSON fixtures, and the
 * comparison of a replay against one (field by field, minus the scenario's explicit skips).
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { ConformanceError } from "./errors.js";
import type { Skip } from "./scenario.js";
import type { Json } from "./snapshot.js";

const JsonValue: z.ZodType<Json> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.string(),
    z.array(JsonValue),
    z.record(z.string(), JsonValue),
  ]),
);
const Obj = z.record(z.string(), JsonValue);

export const Snapshot = z.strictObject({
  programs: Obj,
  health: Obj,
  metrics: Obj,
  /** Per scripted request: where it is (backend b0…, or null while it waits) and its answer. */
  requests: Obj,
  /** The router's answer to this step, when the step is a release. */
  result: JsonValue.optional(),
});
export type Snapshot = z.infer<typeof Snapshot>;

export const Trace = z.strictObject({
  scenario: z.string(),
  recordedFrom: z.strictObject({
    router: z.string(),
    commit: z.string().nullable(),
    date: z.string(),
    command: z.string(),
  }),
  settings: z.strictObject({
    schedulerInterval: z.number(),
    metricsInterval: z.number(),
    settleSeconds: z.number(),
  }),
  steps: z.array(z.strictObject({ index: z.number().int(), step: JsonValue, snapshot: Snapshot })),
});
export type Trace = z.infer<typeof Trace>;

export function readTrace(file: string): Trace {
  const res = Trace.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!res.success) {
    const issues = res.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new ConformanceError("invalid_trace", `${file}: not a golden trace\n${issues}`);
  }
  return res.data;
}

export function writeTrace(file: string, trace: Trace): void {
  writeFileSync(file, JSON.stringify(trace, null, 2) + "\n");
}

function skipped(skips: readonly Skip[], step: number, path: string): boolean {
  return skips.some(
    (s) =>
      (s.step === undefined || s.step === step) &&
      (s.path === "*" || path === s.path || path.startsWith(`${s.path}.`)),
  );
}

function diff(
  a: Json | undefined,
  b: Json | undefined,
  path: string,
  out: string[],
  skip: (p: string) => boolean,
): void {
  if (skip(path)) return;
  const isObj = (v: Json | undefined) => v !== null && typeof v === "object" && v !== undefined;
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    for (const k of [...keys].sort()) {
      diff(
        (a as Record<string, Json>)[k],
        (b as Record<string, Json>)[k],
        path ? `${path}.${k}` : k,
        out,
        skip,
      );
    }
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push(
      `${path}: expected ${JSON.stringify(a) ?? "(absent)"}, got ${JSON.stringify(b) ?? "(absent)"}`,
    );
  }
}

/** Every difference between golden and replay, as "step N (do …): path: expected …, got …". */
export function compareTraces(golden: Trace, replay: Trace, skips: readonly Skip[]): string[] {
  const out: string[] = [];
  if (golden.steps.length !== replay.steps.length) {
    out.push(`step count: expected ${golden.steps.length}, got ${replay.steps.length}`);
  }
  const n = Math.min(golden.steps.length, replay.steps.length);
  for (let i = 0; i < n; i++) {
    const g = golden.steps[i]!;
    const r = replay.steps[i]!;
    const label = `step ${i} (${JSON.stringify(g.step)})`;
    if (JSON.stringify(g.step) !== JSON.stringify(r.step)) {
      out.push(`${label}: the scenario changed since the golden trace was recorded; re-record it`);
      continue;
    }
    const found: string[] = [];
    diff(g.snapshot as unknown as Json, r.snapshot as unknown as Json, "", found, (p) =>
      skipped(skips, i, p),
    );
    for (const f of found) out.push(`${label}: ${f}`);
  }
  return out;
}
