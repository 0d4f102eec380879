/**
 * `pnpm fuzz [--cases N] [--seed S] [--concurrency C]`: the fuzz suite at scale (default 100,000
 * cases); prints its numbers as JSON and exits 1 on an unexpected 5xx, a hang or an inconsistent
 * router.
 */
import { parseArgs } from "node:util";
import { runFuzz } from "./fuzz.js";

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: "100000" },
    seed: { type: "string" },
    concurrency: { type: "string", default: "8" },
  },
});
const report = await runFuzz({
  cases: Number(values.cases),
  concurrency: Number(values.concurrency),
  ...(values.seed !== undefined ? { seed: Number(values.seed) } : {}),
});
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
const ok = report.unexpected5xx === 0 && report.hangs === 0 && report.consistent;
process.exit(ok ? 0 : 1);
