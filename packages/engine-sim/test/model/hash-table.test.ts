import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BlockHashTable } from "../../src/model/hash-table.js";

describe("BlockHashTable", () => {
  it("behaves like a Map under random set/delete/get", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom("set", "delete", "get"),
            fc.integer({ min: 0, max: 40 }),
            fc.integer({ min: 0, max: 1000 }),
          ),
          { maxLength: 300 },
        ),
        (ops) => {
          const t = new BlockHashTable(64);
          const m = new Map<number, number>();
          // keys spread over 53 bits, few distinct so collisions and deletes interact
          const key = (k: number) => k * 2 ** 40 + k * 7919;
          for (const [op, k, v] of ops) {
            const h = key(k);
            if (op === "set") {
              t.set(h, v);
              m.set(h, v);
            } else if (op === "delete") {
              expect(t.delete(h)).toBe(m.delete(h));
            } else {
              expect(t.get(h)).toBe(m.get(h) ?? -1);
            }
            expect(t.size).toBe(m.size);
          }
          for (const [h, v] of m) expect(t.get(h)).toBe(v);
        },
      ),
    );
  });
});

describe("BlockPool duplicate hashes", () => {
  it("keeps a duplicate findable after the primary holder is evicted", async () => {
    const { BlockPool } = await import("../../src/model/block-pool.js");
    const pool = new BlockPool(5); // blocks 1..4
    const got: number[] = [];
    pool.allocate(2, got); // 1, 2
    pool.cacheBlock(got[0]!, 42);
    pool.cacheBlock(got[1]!, 42); // same content computed twice
    expect(pool.lookup(42)).toBe(1);
    pool.freeBlocks([1, 2]); // queue: 3, 4, 1, 2
    const more: number[] = [];
    pool.allocate(3, more); // 3, 4, then evicts 1
    expect(pool.lookup(42)).toBe(2);
    pool.allocate(1, more); // evicts 2
    expect(pool.lookup(42)).toBe(-1);
    expect(pool.evictions).toBe(2);
  });
});
