/**
 * `pnpm chaos [scenario…]`: runs the chaos scenarios (all by default) one after another and
 * prints each one's numbers as JSON. Exits 1 when a scenario lost a request that could have been
 * retried before its first byte, hung, or left the Router inconsistent (see each check).
 */
import * as chaos from "./chaos.js";

const SCENARIOS = {
  "kill-mid-stream": chaos.killMidStream,
  flapping: chaos.flapping,
  "never-answers": chaos.neverAnswers,
  "all-down-then-back": chaos.allDownThenBack,
  "incomplete-bodies": chaos.incompleteBodies,
  "never-released": chaos.neverReleased,
  "sigterm-drain": chaos.sigtermDrain,
} as const;

const wanted = process.argv.slice(2).filter((a) => a in SCENARIOS);
const names = (wanted.length > 0 ? wanted : Object.keys(SCENARIOS)) as Array<
  keyof typeof SCENARIOS
>;
const results: Record<string, unknown> = {};
for (const name of names) {
  const t0 = performance.now();
  try {
    results[name] = await SCENARIOS[name]();
  } catch (err) {
    results[name] = { error: (err as Error).stack ?? String(err) };
  }
  process.stdout.write(
    `${JSON.stringify({ scenario: name, seconds: +((performance.now() - t0) / 1000).toFixed(1), ...(results[name] as object) })}\n`,
  );
}
process.exit(0);
