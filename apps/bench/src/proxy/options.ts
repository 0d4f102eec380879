/**
 * The command line of `pnpm bench:proxy` (cli-kit): `--help` and `--version` print and run
 * nothing; a relative `--out` is the caller's (INIT_CWD under pnpm).
 * @module
 */
import { join } from "node:path";
import {
  defineCli,
  parseAndValidate,
  type CliText,
  type OptionSpec,
  type ParseContext,
} from "@thunderagent/cli-kit";
import { z } from "zod";
import { ROOT } from "./processes.js";
import { BENCH_ROUTES } from "./routes.js";

export const BENCH_PROXY_FLAGS = {
  duration: { value: "S", help: "seconds per measured run (5)" },
  connections: { value: "1,64,256", help: "connection counts to measure (1,64,256)" },
  repeat: { value: "N", help: "runs per target; the best is kept (2)" },
  warmup: { value: "S", help: "warm-up seconds before each run (3)" },
  programs: { value: "N", help: "live programs for the RSS measurement; 0 = none (10000)" },
  pin: {
    value: "auto|on|off",
    help: "engine + load on CPU 0, the proxy on CPU 1 (auto: where taskset works and 2+ CPUs)",
  },
  load: { value: "auto|wrk|autocannon", help: "load generator (auto: wrk when on PATH)" },
  route: {
    value: "chat|completions|responses|messages",
    help: "the route loaded, the same request in its wire format (chat)",
  },
  out: {
    value: "PATH",
    short: "o",
    path: true,
    help: "the markdown report (docs/results/proxy.md)",
  },
} as const satisfies Record<string, OptionSpec>;

export const BENCH_PROXY_CLI = defineCli(import.meta.url, {
  name: "bench:proxy",
  summary:
    "What the proxy costs: engine-sim --instant answered directly, through the proxy and through a bare Node proxy, non-streaming and streaming; requests/s, added latency, time to first byte, RSS with live programs. Writes the table to docs/results/proxy.md.",
  options: BENCH_PROXY_FLAGS,
  epilog:
    "A relative --out is taken from the directory the command was run in (INIT_CWD under pnpm).",
});

const Options = z.object({
  duration: z.coerce.number().positive().default(5),
  connections: z
    .string()
    .default("1,64,256")
    .transform((s) => s.split(",").map((x) => Number(x.trim())))
    .pipe(z.array(z.number().int().positive()).min(1)),
  programs: z.coerce.number().int().nonnegative().default(10_000),
  repeat: z.coerce.number().int().positive().default(2),
  warmup: z.coerce.number().nonnegative().default(3),
  out: z
    .string()
    .min(1)
    .default(join(ROOT, "docs", "results", "proxy.md")),
  pin: z.enum(["auto", "on", "off"]).default("auto"),
  load: z.enum(["auto", "wrk", "autocannon"]).default("auto"),
  route: z.enum(BENCH_ROUTES).default("chat"),
});
export type BenchProxyOptions = z.output<typeof Options>;

/** argv → the options, or the `--help`/`--version` text; throws cli-kit's UsageError. */
export function readBenchProxyCommandLine(
  argv: readonly string[],
  ctx: ParseContext = {},
): BenchProxyOptions | CliText {
  return parseAndValidate(BENCH_PROXY_CLI, Options, argv, ctx);
}
