// reproduce counts steps from either layout of the router's step_profiles.csv: the Python
// original's 8 columns and today's upstream 11 (token counts before kv_hit_rate).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readProfileSteps } from "../src/steps.js";
import { countWindow } from "../src/window.js";

const fixture = (name: string) => join(import.meta.dirname, "fixtures", name);
const T0 = 1_700_000_000;

describe("readProfileSteps", () => {
  it("reads the 8-column and the 11-column header alike", async () => {
    const old = await readProfileSteps(fixture("step_profiles.csv"));
    const now = await readProfileSteps(fixture("step_profiles_11col.csv"));
    expect(now).toEqual(old);
    expect(old).toHaveLength(10);
    const window = { startMin: 10, endMin: 70 };
    expect(countWindow(now, T0, window)).toEqual(countWindow(old, T0, window));
    expect(countWindow(now, T0, window).stepsCounted).toBe(4);
  });
});
