/**
 * The scenario file (`pnpm bench:sched --scenario FILE`, `--matrix DIR`): engines, workload,
 * client behaviour, arrivals, N, duration and window, and the systems to compare. JSON or YAML,
 * validated here; every field is documented in docs/scenarios.md.
 * @module
 */
import { PROFILE_NAMES } from "@thunderagent/engine-sim/profiles";
import { z } from "zod";
import { RouterOptionsOverrides } from "./router-options-schema.js";
import { SCRAPE_POLICIES } from "./scrape-policy.js";
import { SYSTEMS } from "./systems.js";

const int = (min: number) => z.number().int().min(min);
const nonNeg = z.number().min(0);
const pos = z.number().positive();

const Timing = z
  .object({
    prefillBaseUs: nonNeg,
    prefillPerKUs: nonNeg,
    decodeBaseMs: nonNeg,
    decodePerSeqMs: nonNeg,
    decodePerMTokMs: nonNeg,
  })
  .partial()
  .strict();

/** A profile's engine, with any of its numbers replaced; every number given = explicit parameters. */
const Engine = z
  .object({
    profile: z.enum(PROFILE_NAMES).default("glm4.6"),
    replicas: int(1).max(64).default(1),
    /** KV capacity in tokens per replica (sets numGpuBlocks = ⌊kvTokens / blockSize⌋). */
    kvTokens: int(32).optional(),
    numGpuBlocks: int(2).optional(),
    blockSize: int(1).optional(),
    maxNumBatchedTokens: int(1).optional(),
    maxNumSeqs: int(1).optional(),
    maxModelLen: int(2).optional(),
    timing: Timing.optional(),
  })
  .strict()
  .refine((e) => e.kvTokens === undefined || e.numGpuBlocks === undefined, {
    message: "give kvTokens or numGpuBlocks, not both",
    path: ["kvTokens"],
  });

const median = <T extends z.ZodRawShape>(shape: T) => z.object(shape).partial().strict();

/** WorkloadParams (engine-sim/profiles) as overrides: nested objects merged one level deep. */
export const WorkloadOverrides = z
  .object({
    poolSize: int(1),
    sharedPrefixTokens: int(0),
    initialPrompt: median({ median: pos, p90: pos, min: int(1), max: int(1) }),
    steps: median({ median: pos, p90: pos, min: int(1), max: int(1) }),
    outputTokens: median({ median: pos, mean: pos, max: int(1) }),
    thinkingFraction: z.number().min(0).max(1),
    outputReusable: z.boolean(),
    observationTokens: median({ median: pos, mean: pos, max: int(1) }),
    templateTokensPerStep: int(0),
    toolTimeS: median({ median: pos, p90: pos, max: pos }),
    execOverheadS: median({ min: nonNeg, max: nonNeg }),
    envStartS: median({ median: pos, p90: pos }),
    maxCompletionTokens: int(1),
    charsPerToken: pos,
  })
  .partial()
  .strict();

export const WORKLOAD_BASES = ["glm4.6", "qwen3-235b", "openhands-glm"] as const;

const MixClass = z
  .object({
    weight: pos,
    base: z.enum(WORKLOAD_BASES).optional(),
    params: WorkloadOverrides.optional(),
  })
  .strict();

export const TraceTurn = z
  .object({ input: int(0), output: int(1), visible: int(0).optional(), tool: nonNeg })
  .strict();
export const TraceSession = z
  .object({ startS: nonNeg.optional(), turns: z.array(TraceTurn).min(1) })
  .strict();
export const TraceFile = z.union([
  z.object({ sessions: z.array(TraceSession).min(1) }).strict(),
  z.array(TraceSession).min(1),
]);

const Trace = z.union([
  z.object({ sessions: z.array(TraceSession).min(1) }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
]);

const Workload = z
  .object({
    base: z.enum(WORKLOAD_BASES).optional(),
    params: WorkloadOverrides.optional(),
    mix: z.array(MixClass).min(1).optional(),
    trace: Trace.optional(),
  })
  .strict()
  .refine((w) => !(w.mix && w.trace), {
    message: "a workload is a mix or a trace, not both",
    path: ["trace"],
  });

const Client = z
  .object({ release: z.boolean().default(true), groupSize: int(1).default(1) })
  .strict();

const Arrival = z.discriminatedUnion("pattern", [
  z.object({ pattern: z.literal("all") }).strict(),
  z.object({ pattern: z.literal("ramp"), overS: pos }).strict(),
  z.object({ pattern: z.literal("burst"), atS: pos, agents: int(1) }).strict(),
]);

export const SystemSpec = z
  .object({
    /** Column and row name; the matrix matches systems across scenarios by it. */
    name: z.string().regex(/^[\w.+-]+( [\w.+-]+)*$/, "must be a plain name"),
    kind: z.enum(SYSTEMS),
    /** The router options to start from: router-core's defaults, or the original's policy. */
    preset: z.enum(["default", "original"]).default("default"),
    routerOptions: RouterOptionsOverrides.optional(),
    routing: z.enum(["global", "sticky"]).default("global"),
    scrapePolicy: z.enum(SCRAPE_POLICIES).optional(),
    /** The tag in the sweep tables' system column (default: the name, unless it is the kind). */
    variant: z.string().min(1).nullable().optional(),
  })
  .strict();
export type SystemSpec = z.infer<typeof SystemSpec>;

const Window = z
  .object({ startS: nonNeg, endS: pos })
  .strict()
  .refine((w) => w.startS < w.endS, { message: "startS must be < endS", path: ["startS"] });

const ScenarioObject = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, "must be lower-case letters, digits, . and -"),
    description: z.string().optional(),
    engine: Engine.default({ profile: "glm4.6", replicas: 1 }),
    workload: Workload.default({}),
    client: Client.default({ release: true, groupSize: 1 }),
    arrival: Arrival.default({ pattern: "all" }),
    n: z.union([int(1), z.array(int(1)).min(1)]).transform((x) => (Array.isArray(x) ? x : [x])),
    window: Window.default({ startS: 600, endS: 4200 }),
    /** Virtual seconds simulated (default: the window's end). */
    durationS: pos.optional(),
    schedulerIntervalS: pos.optional(),
    /** Goodput SLO: seconds from sending a call to its first token. */
    sloS: pos.default(10),
    systems: z.array(SystemSpec).min(1),
    /** What `--matrix` runs of this scenario (default: every N and every system). */
    matrix: z
      .object({
        /** false: `--matrix` skips this scenario (it still runs with `--scenario`). */
        include: z.boolean().default(true),
        n: z.array(int(1)).min(1).optional(),
        systems: z.array(z.string()).min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const Scenario = ScenarioObject.superRefine(checkScenario);
export type Scenario = z.infer<typeof ScenarioObject>;

/** Cross-field rules, each issue on the field to fix. */
function checkScenario(s: Scenario, ctx: z.RefinementCtx) {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: "custom", path, message });
  const names = new Set<string>();
  s.systems.forEach((sys, i) => {
    if (names.has(sys.name)) issue(["systems", i, "name"], `duplicate system name "${sys.name}"`);
    names.add(sys.name);
  });
  s.matrix?.systems?.forEach((name, i) => {
    if (!names.has(name)) issue(["matrix", "systems", i], `no system named "${name}"`);
  });
  s.matrix?.n?.forEach((n, i) => {
    if (!s.n.includes(n)) issue(["matrix", "n", i], `${n} is not one of n (${s.n.join(", ")})`);
  });
  if (s.durationS !== undefined && s.durationS < s.window.endS) {
    issue(["durationS"], `must be ≥ window.endS (${s.window.endS})`);
  }
  const minN = Math.min(...s.n);
  if (minN % s.client.groupSize !== 0 || s.n.some((n) => n % s.client.groupSize !== 0)) {
    issue(["client", "groupSize"], `every n must be a multiple of groupSize ${s.client.groupSize}`);
  }
  if (s.arrival.pattern === "burst" && s.arrival.agents > minN) {
    issue(["arrival", "agents"], `must be ≤ the smallest n (${minN})`);
  }
}
