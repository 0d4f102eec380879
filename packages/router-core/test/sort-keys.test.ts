import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sortedByKey, TOKEN_KEY_MAX, tokensKey } from "../src/sort-keys.js";

describe("sortedByKey", () => {
  it("orders by key, stable on ties", () => {
    const items = [
      { id: "a", k: 3 },
      { id: "b", k: 1 },
      { id: "c", k: 3 },
      { id: "d", k: 0 },
      { id: "e", k: 1 },
    ];
    expect(sortedByKey(items, (x) => x.k).map((x) => x.id)).toEqual(["d", "b", "e", "a", "c"]);
    expect(sortedByKey([], () => 0)).toEqual([]);
  });

  it("agrees with a stable comparator sort", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 31 }), { maxLength: 300 }), (keys) => {
        const items = keys.map((k, i) => ({ k, i }));
        const expected = [...items].sort((a, b) => a.k - b.k || a.i - b.i);
        expect(sortedByKey(items, (x) => x.k)).toEqual(expected);
      }),
    );
  });

  it("clamps token keys", () => {
    expect(tokensKey(-5)).toBe(0);
    expect(tokensKey(2 ** 40)).toBe(TOKEN_KEY_MAX);
  });
});
