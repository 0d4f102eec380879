/**
 * Scenarios as data: a JSON file per scenario, validated with zod. A scenario names its backends
 * (KV capacity as vLLM reports it), the router flags it needs, and a list of steps the harness
 * plays in order; after each step the harness waits for the router to settle and snapshots it.
 * @module
 */
import { readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";
import { ConformanceError } from "./errors.js";

const id = z.string().regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, _ . - only");

export const MetricValues = z.strictObject({
  numGpuBlocks: z.number().int().nonnegative().optional(),
  blockSize: z.number().int().positive().optional(),
  kvCacheUsage: z.number().min(0).max(1).optional(),
  running: z.number().int().nonnegative().optional(),
  waiting: z.number().int().nonnegative().optional(),
  prefixCacheQueries: z.number().int().nonnegative().optional(),
  prefixCacheHits: z.number().int().nonnegative().optional(),
});
export type MetricValues = z.infer<typeof MetricValues>;

export const UsageSpec = z.strictObject({
  prompt: z.number().int().nonnegative(),
  completion: z.number().int().nonnegative(),
  cached: z.number().int().nonnegative().default(0),
});
export type UsageSpec = z.infer<typeof UsageSpec>;

const RequestStep = z.strictObject({
  do: z.literal("request"),
  /** The request's id in the trace (and the tag the fake vLLM recognises it by). */
  id,
  program: id,
  /** Characters of the user message (the router estimates tokens from the payload size). */
  chars: z.number().int().nonnegative(),
  stream: z.boolean().default(false),
});
const StreamStep = z.strictObject({
  do: z.literal("stream"),
  id,
  /** Content chunks the fake vLLM sends now, keeping the stream open. */
  chunks: z.number().int().positive(),
});
const CompleteStep = z.strictObject({
  do: z.literal("complete"),
  id,
  /** null: a stream that ends without a usage chunk (or a JSON answer without usage). */
  usage: UsageSpec.nullable(),
  /** Streams: content chunks sent before the usage chunk. */
  chunks: z.number().int().nonnegative().default(1),
});
const ReleaseStep = z.strictObject({ do: z.literal("release"), program: id });
/** The HTTP status the fake's `/metrics` answers: 200, or an error (a backend still booting). */
const MetricsStatus = z.number().int().min(200).max(599);
const MetricsStep = z.strictObject({
  do: z.literal("metrics"),
  backend: z.number().int().nonnegative(),
  set: MetricValues,
  /** From now on `/metrics` answers this status (default: unchanged). */
  status: MetricsStatus.optional(),
});
const WaitStep = z.strictObject({
  do: z.literal("wait"),
  /** Wall-clock seconds (a tool gap, or time for a timeout to fire). */
  seconds: z.number().positive().max(60),
});

export const Step = z.discriminatedUnion("do", [
  RequestStep,
  StreamStep,
  CompleteStep,
  ReleaseStep,
  MetricsStep,
  WaitStep,
]);
export type Step = z.infer<typeof Step>;

/** A field (or a whole step, path "*") the replay does not compare, with the reason. */
export const Skip = z.strictObject({
  /** 0-based step index, or omitted for every step. */
  step: z.number().int().nonnegative().optional(),
  /** Dotted path into a snapshot, e.g. "programs.A.status"; "*" skips the whole snapshot. */
  path: z.string().min(1),
  reason: z.string().min(10),
});
export type Skip = z.infer<typeof Skip>;

/** A backend: its initial metric values, and the status its `/metrics` answers at first. */
export const BackendSpec = MetricValues.extend({
  numGpuBlocks: z.number().int().positive(),
  metricsStatus: MetricsStatus.optional(),
});
export type BackendSpec = z.infer<typeof BackendSpec>;

export const Scenario = z
  .strictObject({
    name: id,
    description: z.string().min(1),
    backends: z.array(BackendSpec).min(1),
    flags: z
      .strictObject({
        actingTokenWeight: z.number().nonnegative().optional(),
        useActingTokenDecay: z.boolean().optional(),
        /** Seconds before a paused program's request is forced through (original: 1800). */
        forceResumeS: z.number().positive().optional(),
      })
      .default({}),
    steps: z.array(Step).min(1),
    skip: z.array(Skip).default([]),
  })
  .superRefine((s, ctx) => checkReferences(s.steps, s.backends.length, ctx));
export type Scenario = z.infer<typeof Scenario>;

function checkReferences(steps: Step[], backends: number, ctx: z.RefinementCtx): void {
  const sent = new Set<string>();
  steps.forEach((step, i) => {
    const at = ["steps", i];
    if (step.do === "request") {
      if (sent.has(step.id))
        ctx.addIssue({ code: "custom", path: at, message: `id ${step.id} reused` });
      sent.add(step.id);
    } else if ((step.do === "stream" || step.do === "complete") && !sent.has(step.id)) {
      ctx.addIssue({ code: "custom", path: at, message: `no earlier request ${step.id}` });
    } else if (step.do === "metrics" && step.backend >= backends) {
      ctx.addIssue({ code: "custom", path: at, message: `backend ${step.backend} does not exist` });
    }
  });
}

/** A scenario that does not parse or validate (code `invalid_scenario`). */
export class ScenarioError extends ConformanceError {
  override readonly name: string = "ScenarioError";
  constructor(message: string) {
    super("invalid_scenario", message);
  }
}

/** Parses one scenario; the error names the file and every bad field. */
export function parseScenario(raw: unknown, source: string): Scenario {
  const res = Scenario.safeParse(raw);
  if (!res.success) {
    const issues = res.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new ScenarioError(`${source}: invalid scenario\n${issues.join("\n")}`);
  }
  if (`${res.data.name}.json` !== basename(source) && source.endsWith(".json")) {
    throw new ScenarioError(`${source}: name "${res.data.name}" must match the file name`);
  }
  return res.data;
}

export function loadScenario(file: string): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ScenarioError(`${file}: ${(err as Error).message}`);
  }
  return parseScenario(raw, file);
}

/** Every `*.json` scenario in `dir`, by name. */
export function loadScenarios(dir: string): Scenario[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => loadScenario(join(dir, f)));
}
