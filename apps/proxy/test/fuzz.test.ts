/**
 * The fuzz suite in CI: 10,000 malformed or hostile requests (test/reliability/fuzz-cases.ts)
 * against a real proxy in front of engine-sim, a fresh seed each run (printed, with the numbers).
 * No 5xx but the documented 502/503/504, no request without an answer within 5 s, no request left
 * in flight or waiting. `pnpm fuzz` runs 100,000.
 */
import { describe, expect, it } from "vitest";
import { allowConsole } from "../../../testing/console-guard.js";
import { runFuzz } from "./reliability/fuzz.js";

allowConsole();

const CASES = Number(process.env["FUZZ_CASES"] ?? 10_000);

describe("fuzz", () => {
  it(`${CASES} hostile requests: no unexpected 5xx, no hang, consistent state`, async () => {
    const seed =
      process.env["FUZZ_SEED"] !== undefined ? Number(process.env["FUZZ_SEED"]) : undefined;
    const r = await runFuzz({
      cases: CASES,
      concurrency: 16,
      ...(seed !== undefined ? { seed } : {}),
    });
    process.stdout.write(
      `[fuzz] ${r.cases} cases (${r.rawCases} raw) seed ${r.seed} in ${r.durationS.toFixed(1)} s: ` +
        `${JSON.stringify(r.byStatus)}, unexpected 5xx ${r.unexpected5xx}, hangs ${r.hangs}, ` +
        `client errors ${r.clientErrors}, consistent ${r.consistent}\n`,
    );
    expect(r.samples).toEqual([]);
    expect(r).toMatchObject({ unexpected5xx: 0, hangs: 0, consistent: true, cases: CASES });
  }, 600_000);
});
