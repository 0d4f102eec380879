/**
 * Command line of `pnpm bench:sched`, parsed with node:util parseArgs and validated with zod.
 * @module
 */
import { parseArgs } from "node:util";
import { PROFILE_NAMES } from "@thunderagent/engine-sim/profiles";
import { z } from "zod";
import { SCRAPE_POLICIES } from "./scrape-policy.js";
import { SYSTEMS } from "./systems.js";

export const USAGE = `usage: pnpm bench:sched [options]

  --quick                 GLM-4.6 at N = 24 and 96 only (≤ 60 s)
  --experiments           router-tr policy variants vs the paper's policy at GLM N = 24, 96
  --checks                further out-of-sample checks: fig. 6b, table 2, fig. 4b (OpenHands)
  --seeds K               repeat every point with K seeds and report the spread (default 1)
  --seed S                first seed (default 1)
  --workers W             worker threads (default 2)
  --json PATH             write result rows as JSON
  --plots-dir DIR         where the SVG plots go (default docs/results, none with --quick;
                          "" = no plots)
  --profile P             only this profile (${PROFILE_NAMES.join(" | ")})
  --ns 24,96              only these N
  --systems a,b           only these systems (${SYSTEMS.join(", ")})
  --no-dp                 skip the two-replica runs
  --workload JSON         workload parameter overrides (calibration)
  --engine JSON           engine profile overrides, e.g. {"numGpuBlocks":70000}
  --router-options JSON   extra RouterOptions for the router systems (policy experiments)
  --scrape-policy P       capacity-model proposal emulated on the scrape (${SCRAPE_POLICIES.join(", ")})
  --variant NAME          label for the variant in the tables
  --duration S            virtual seconds to simulate (default 4200 = minute 70)
  --scheduler-interval S  seconds between router ticks and scrapes (default 5)
  -h, --help              this text`;

const csvInts = z
  .string()
  .regex(/^\d+(,\d+)*$/, "expected comma-separated integers")
  .transform((s) => s.split(",").map(Number));
const json = z.string().transform((s, ctx) => {
  try {
    const v: unknown = JSON.parse(s);
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
    return v as Record<string, unknown>;
  } catch (e) {
    ctx.addIssue({ code: "custom", message: `invalid JSON object: ${(e as Error).message}` });
    return z.NEVER;
  }
});
const int = (min: number) => z.coerce.number().int().min(min);

const Options = z.object({
  quick: z.boolean(),
  experiments: z.boolean(),
  checks: z.boolean(),
  seeds: int(1),
  seed: int(0),
  workers: int(1).max(64),
  json: z.string().min(1).optional(),
  plotsDir: z.string().optional(),
  profile: z.enum(PROFILE_NAMES).optional(),
  ns: csvInts.optional(),
  systems: z
    .string()
    .transform((s) => s.split(","))
    .pipe(z.array(z.enum(SYSTEMS)))
    .optional(),
  dp: z.boolean(),
  workload: json.optional(),
  engine: json.optional(),
  routerOptions: json.optional(),
  scrapePolicy: z.enum(SCRAPE_POLICIES).optional(),
  variant: z.string().min(1).optional(),
  duration: z.coerce.number().positive().optional(),
  schedulerInterval: z.coerce.number().positive().optional(),
  help: z.boolean(),
});
export type CliOptions = z.infer<typeof Options>;

export class UsageError extends Error {}

export function parseCli(argv: readonly string[]): CliOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: "boolean", default: false },
        experiments: { type: "boolean", default: false },
        checks: { type: "boolean", default: false },
        seeds: { type: "string", default: "1" },
        seed: { type: "string", default: "1" },
        workers: { type: "string", default: "2" },
        json: { type: "string" },
        "plots-dir": { type: "string" },
        profile: { type: "string" },
        ns: { type: "string" },
        systems: { type: "string" },
        "no-dp": { type: "boolean", default: false },
        workload: { type: "string" },
        engine: { type: "string" },
        "router-options": { type: "string" },
        "scrape-policy": { type: "string" },
        variant: { type: "string" },
        duration: { type: "string" },
        "scheduler-interval": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const r = Options.safeParse({
    ...values,
    plotsDir: values["plots-dir"],
    routerOptions: values["router-options"],
    scrapePolicy: values["scrape-policy"],
    schedulerInterval: values["scheduler-interval"],
    dp: !values["no-dp"],
  });
  if (!r.success) {
    throw new UsageError(
      r.error.issues.map((i) => `--${i.path.join(".") || "?"}: ${i.message}`).join("\n"),
    );
  }
  return r.data;
}
