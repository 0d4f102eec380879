/**
 * Option 1, resume placement: "best-fit" (the original) moves a paused program to the roomiest
 * backend; "origin-first" keeps it on the backend it was paused from unless the origin cannot
 * take it and it waited `resumeMoveAfterS` or another backend has `resumeMoveHeadroom` × its need.
 */
import { describe, expect, it } from "vitest";
import {
  emptySnapshot,
  planRestoreWith,
  type RestoreSpec,
  type Room,
  type Router,
  type RouterOptions,
} from "../src/index.js";
import { A, actStep, B, makeRouter, startRequest } from "./helpers.js";

/** p1 (3000 tokens, acting) ran on A and was paused there at t = 2 (A shrank to 1000). */
function pausedOnA(opts: Partial<RouterOptions>): Router {
  const r = makeRouter([A, B], [5000, 5000], opts);
  r.setBackendHealth(B, false, 0);
  expect(actStep(r, "p1", 3000, 0)).toBe(A);
  r.setBackendHealth(B, true, 0);
  r.updateBackend(A, emptySnapshot(1000, 1), 1);
  expect(r.tick(2).paused).toEqual(["p1"]);
  return r;
}

const ORIGIN_FIRST = {
  resumePlacement: "origin-first",
  resumeMoveHeadroom: null,
  resumeMoveAfterS: null,
} as const;

describe("resume placement", () => {
  it("best fit moves a resumed program to the roomiest backend; origin-first keeps it home", () => {
    for (const [opts, backend] of [
      [{}, B],
      [ORIGIN_FIRST, A],
    ] as const) {
      const r = pausedOnA(opts);
      // A has room again (4000 ≥ 3100) but B has more (5000).
      r.updateBackend(A, emptySnapshot(4000, 1), 3);
      expect(r.tick(4).restored).toEqual([{ programId: "p1", backend, from: A }]);
      expect(r.stats()).toMatchObject({
        migrations: backend === B ? 1 : 0,
        originResumes: backend === A ? 1 : 0,
      });
    }
  });

  it("origin-first waits for a full origin until resumeMoveAfterS, then moves", () => {
    const r = pausedOnA({ ...ORIGIN_FIRST, resumeMoveAfterS: 30 });
    // A has 1000 of room (p1 needs 3100), B 5000: waited 29 s < 30 s, p1 stays paused.
    expect(r.tick(31).restored).toEqual([]);
    expect(r.program("p1")!.state).toBe("paused");
    // Paused at t = 2: at t = 32 it has waited 30 s and moves to B.
    expect(r.tick(32).restored).toEqual([{ programId: "p1", backend: B, from: A }]);
    expect(r.stats().migrations).toBe(1);
  });

  it("origin-first moves at once to a backend with room ≥ resumeMoveHeadroom × need", () => {
    // need = 3000 + 100 = 3100; 1.2 × 3100 = 3720.
    const tight = pausedOnA({ ...ORIGIN_FIRST, resumeMoveHeadroom: 1.2 });
    tight.updateBackend(B, emptySnapshot(3700, 1), 2);
    expect(tight.tick(3).restored).toEqual([]); // 3700 < 3720: wait for A
    const roomy = pausedOnA({ ...ORIGIN_FIRST, resumeMoveHeadroom: 1.2 });
    roomy.updateBackend(B, emptySnapshot(3720, 1), 2);
    expect(roomy.tick(3).restored).toEqual([{ programId: "p1", backend: B, from: A }]);
  });

  it("origin-first without a bound holds the program until its origin has room", () => {
    const r = pausedOnA(ORIGIN_FIRST);
    expect(r.tick(500).restored).toEqual([]);
    r.updateBackend(A, emptySnapshot(3200, 1), 501);
    expect(r.tick(502).restored).toEqual([{ programId: "p1", backend: A, from: A }]);
  });

  it("origin-first places new programs, and programs whose origin is down, best fit", () => {
    const r = pausedOnA(ORIGIN_FIRST);
    // n1 arrives while p1 is queued: it waits as a new program (no origin).
    expect(startRequest(r, "n1", 100, 3).decision).toEqual({ kind: "wait" });
    expect(r.tick(4).restored).toEqual([{ programId: "n1", backend: B, from: null }]);
    expect(r.program("p1")!.state).toBe("paused"); // A still full: p1 waits for it
    r.setBackendHealth(A, false, 5);
    expect(r.tick(6).restored).toEqual([{ programId: "p1", backend: B, from: A }]);
  });
});

describe("the home pass (planRestoreWith with homeOf)", () => {
  interface Item {
    id: string;
    tokens: number;
    home: string | null;
  }
  const spec = (rooms: Room[], homes: boolean): RestoreSpec<Item> => ({
    tokensOf: (i) => i.tokens,
    groupOf: () => 0,
    rooms,
    bufferPerProgram: 0,
    // Move whenever the origin is full (the chooser's most permissive setting).
    choose: (i, open, roomiest, need) => {
      const at = open.findIndex((r) => r.url === i.home);
      if (at >= 0 && need <= open[at]!.remaining) return at;
      return need <= open[roomiest]!.remaining ? roomiest : -1;
    },
    ...(homes ? { homeOf: (i: Item) => i.home } : {}),
  });
  const rooms = (): Room[] => [
    { url: A, remaining: 10, activeTokens: 0 },
    { url: B, remaining: 7, activeTokens: 0 },
  ];
  const items: Item[] = [
    { id: "x", tokens: 8, home: B },
    { id: "y", tokens: 6, home: A },
    { id: "z", tokens: 3, home: B },
  ];
  const placed = (homes: boolean) =>
    planRestoreWith(items, spec(rooms(), homes)).map((p) => `${p.item.id}@${p.backend}`);

  it("one pass: the largest, which must move, takes the other's home and both move", () => {
    expect(placed(false)).toEqual([`x@${A}`, `y@${B}`]);
  });

  it("with homes first, the programs that fit their origin stay there; the rest fill what is left", () => {
    // y (6) fits A (10) and z (3) fits B (7): both home, then x (8) fits neither (4, 4 left).
    expect(placed(true)).toEqual([`y@${A}`, `z@${B}`]);
  });
});
