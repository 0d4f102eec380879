/**
 * The command line (`pnpm swebench …`), mini-extra swebench's flags: node:util parseArgs, then zod.
 * Bad input is a {@link UsageError} (exit 2) with a message naming the flag.
 * @module
 */
import { parseArgs } from "node:util";
import { ENVIRONMENT_CLASS_NAMES } from "@thunderagent/agent-core";
import { z } from "zod";
import { UsageError } from "./errors.js";

export { UsageError };

export const USAGE = `Usage: pnpm swebench [options]

Runs the agent over SWE-bench instances (mini-extra swebench's job).

  --subset <name>            lite | verified | full | sample | <HF dataset name> | <file.json|.jsonl|.parquet>  (default: lite)
  --split <split>            dataset split (default: dev)
  --slice <start:stop>       Python-style slice of the instances, e.g. 0:5
  --filter <regex>           keep instances whose id matches (re.match semantics)
  --shuffle                  shuffle the instances (seeded) before filtering and slicing
  -w, --workers <n>          concurrent instances (default: 1)
  -o, --output <dir>         output directory (required)
  --redo-existing            rerun instances already in preds.json
  -c, --config <spec>        YAML file or key.path=value; repeatable, merged in order
                             (default: the seed's swebench.yaml)
  -m, --model <name>         model.model_name
  --environment-class <c>    ${ENVIRONMENT_CLASS_NAMES.join(" | ")}
  --base-url <url>           model.base_url (the router's or vLLM's /v1 URL)
  -h, --help                 this help
`;

const Options = z.object({
  subset: z.string().min(1),
  split: z.string().min(1),
  slice: z
    .string()
    .regex(/^-?\d*(:-?\d*){0,2}$/, "--slice must look like start:stop[:step]")
    .optional(),
  filter: z
    .string()
    .refine((s) => {
      try {
        new RegExp(s);
        return true;
      } catch {
        return false;
      }
    }, "--filter must be a valid regular expression")
    .optional(),
  shuffle: z.boolean(),
  workers: z.coerce
    .number({ error: "--workers must be an integer" })
    .int("--workers must be an integer")
    .min(1, "--workers must be at least 1")
    .max(4096),
  output: z.string({ error: "--output is required" }).min(1, "--output is required"),
  redoExisting: z.boolean(),
  config: z.array(z.string().min(1)),
  model: z.string().min(1).optional(),
  /** The registered environment classes (agent-core's registry), with the flag's message. */
  environmentClass: z
    .enum(ENVIRONMENT_CLASS_NAMES, {
      error: `--environment-class must be ${ENVIRONMENT_CLASS_NAMES.join(" or ")}`,
    })
    .optional(),
  baseUrl: z.url("--base-url must be a URL").optional(),
});
export type CliOptions = z.infer<typeof Options>;

export function parseCli(argv: readonly string[]): CliOptions | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        subset: { type: "string", default: "lite" },
        split: { type: "string", default: "dev" },
        slice: { type: "string" },
        filter: { type: "string" },
        shuffle: { type: "boolean", default: false },
        workers: { type: "string", short: "w", default: "1" },
        output: { type: "string", short: "o" },
        "redo-existing": { type: "boolean", default: false },
        config: { type: "string", short: "c", multiple: true, default: [] },
        model: { type: "string", short: "m" },
        "environment-class": { type: "string" },
        "base-url": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return "help";
  const parsed = Options.safeParse({
    subset: values.subset,
    split: values.split,
    slice: values.slice,
    filter: values.filter,
    shuffle: values.shuffle,
    workers: values.workers,
    output: values.output,
    redoExisting: values["redo-existing"],
    config: values.config,
    model: values.model,
    environmentClass: values["environment-class"],
    baseUrl: values["base-url"],
  });
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((i) => i.message).join("; "));
  }
  return parsed.data;
}
