import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  emptySnapshot,
  planRestore,
  planRestoreWith,
  type RestoreCandidate,
} from "../src/index.js";
import { A, B, actStep, makeRouter, startRequest, usage } from "./helpers.js";

const cand = (item: string, tokens: number, group: 0 | 1 | 2): RestoreCandidate<string> => ({
  item,
  tokens,
  group,
});

describe("planRestore (best fit decreasing)", () => {
  it("selects in priority order, then places largest first on the roomiest backend", () => {
    // Rooms: A 5000, B 3000 → total 8000. Priority order: r2 1000, r1 2000 (group 0), n1 500
    // (group 1), a2 100, a1 3000 (group 2); needs with buffer: 1100+2100+600+200+3100 = 7100.
    const placements = planRestore(
      [
        cand("r1", 2000, 0),
        cand("r2", 1000, 0),
        cand("n1", 500, 1),
        cand("a1", 3000, 2),
        cand("a2", 100, 2),
      ],
      [
        { url: A, remaining: 5000, activeTokens: 0 },
        { url: B, remaining: 3000, activeTokens: 0 },
      ],
      100,
    );
    // a1 3100 → A (1900 left); r1 2100 → B (900); r2 1100 → A (800); n1 600 → B (300);
    // a2 200 → A (600).
    expect(placements).toEqual([
      { item: "a1", backend: A },
      { item: "r1", backend: B },
      { item: "r2", backend: A },
      { item: "n1", backend: B },
      { item: "a2", backend: A },
    ]);
  });

  it("takes the largest prefix-greedy set that fits the total remaining capacity", () => {
    // Room 2000: g0 1500 (1600), g1 200 (300 → 1900), g2 100 (200 → 2100 > 2000: left out).
    const placements = planRestore(
      [cand("g2", 100, 2), cand("g1", 200, 1), cand("g0", 1500, 0)],
      [{ url: A, remaining: 2000, activeTokens: 0 }],
      100,
    );
    expect(placements.map((p) => p.item)).toEqual(["g0", "g1"]);
  });

  it("skips a selected program that fits no single backend (fragmentation)", () => {
    // Rooms 1000 + 1000: X (1600) and Y (400) are selected, X fits neither room.
    const placements = planRestore(
      [cand("X", 1500, 0), cand("Y", 300, 1)],
      [
        { url: A, remaining: 1000, activeTokens: 0 },
        { url: B, remaining: 1000, activeTokens: 0 },
      ],
      100,
    );
    expect(placements).toEqual([{ item: "Y", backend: A }]);
  });

  it("ignores rooms at or below one buffer and breaks room ties by fewer active tokens", () => {
    expect(
      planRestore([cand("x", 0, 1)], [{ url: A, remaining: 100, activeTokens: 0 }], 100),
    ).toEqual([]);
    const inf = Number.POSITIVE_INFINITY;
    const placements = planRestore(
      [cand("x", 500, 1), cand("y", 400, 1), cand("z", 300, 1)],
      [
        { url: A, remaining: inf, activeTokens: 1000 },
        { url: B, remaining: inf, activeTokens: 0 },
      ],
      100,
    );
    // Equal (unbounded) room: x → B (0 < 1000; B now holds 500), y → B (500 < 1000; B 900),
    // z → B (900 < 1000).
    expect(placements).toEqual([
      { item: "x", backend: B },
      { item: "y", backend: B },
      { item: "z", backend: B },
    ]);
  });
});

describe("restore through the router", () => {
  it("restores a paused program onto another backend (migration)", () => {
    const r = makeRouter([A, B], [5000, 5000]);
    r.setBackendHealth(B, false, 0);
    expect(actStep(r, "p1", 3000, 0)).toBe(A);
    r.setBackendHealth(B, true, 0);
    r.updateBackend(A, emptySnapshot(1000, 1), 1);
    expect(r.tick(2).paused).toEqual(["p1"]); // 3100 > 1000
    // Next tick: A has 1000 of room, B 5000: p1 (3100) goes to B.
    const t = r.tick(3);
    expect(t.restored).toEqual([{ programId: "p1", backend: B, from: A }]);
    expect(t.resumed).toEqual([]); // no request was waiting
    expect(r.stats().migrations).toBe(1);
    expect(actStep(r, "p1", 3000, 4)).toBe(B);
  });

  it("prefers a paused program with a waiting request over a smaller acting one", () => {
    const r = makeRouter([A], [100_000]);
    actStep(r, "small", 1000, 0);
    actStep(r, "big", 2000, 0);
    actStep(r, "big", 2000, 0); // step 2
    r.updateBackend(A, emptySnapshot(100, 1), 1);
    expect(r.tick(2).paused).toEqual(["small", "big"]);
    // big's next request waits (it is paused): it becomes "reasoning with a pending request".
    const req = startRequest(r, "big", 2000, 3);
    expect(req.decision).toEqual({ kind: "wait" });
    // Room for one of them only: 2200 total → big (2100) first; small (1100) no longer fits.
    r.updateBackend(A, emptySnapshot(2200, 1), 4);
    const t = r.tick(5);
    expect(t.restored).toEqual([{ programId: "big", backend: A, from: A }]);
    expect(t.resumed).toEqual([{ requestId: req.id, programId: "big", backend: A, forced: false }]);
    expect(r.program("small")!.state).toBe("paused");
    r.forwarded(req.id, 5);
    r.complete(req.id, usage(2050, 2000), 6);
    expect(r.program("big")).toMatchObject({ status: "acting", state: "active", inFlight: 0 });
  });

  it("restores a queued new program before paused acting ones", () => {
    const r = makeRouter([A], [100_000]);
    actStep(r, "old", 500, 0);
    actStep(r, "old", 500, 0);
    r.updateBackend(A, emptySnapshot(100, 1), 1);
    expect(r.tick(2).paused).toEqual(["old"]);
    const fresh = startRequest(r, "fresh", 800, 3); // queue not empty: waits
    expect(fresh.decision).toEqual({ kind: "wait" });
    // 1000 of room: fresh (900) first by priority; old (600) would exceed the total.
    r.updateBackend(A, emptySnapshot(1000, 1), 4);
    const t = r.tick(5);
    expect(t.restored.map((x) => x.programId)).toEqual(["fresh"]);
    expect(t.restored[0]!.from).toBeNull();
  });

  it("with acting-token decay, counts long-acting programs as almost free when restoring", () => {
    const r = makeRouter([A], [100_000], { useActingTokenDecay: true });
    actStep(r, "resident", 2000, 0); // acting since t = 0
    r.setBackendHealth(A, false, 0);
    r.setBackendHealth(A, true, 0); // resident is now paused
    r.tick(0); // restores it (A empty, capacity 100k)
    expect(r.program("resident")!.state).toBe("active");
    actStep(r, "waiting", 1000, 0);
    r.updateBackend(A, emptySnapshot(2300, 1), 0);
    // 2000 + 1000 + 200 = 3200 > 2300 at t=1: waiting (1000, acting) is paused.
    expect(r.tick(1).paused).toEqual(["waiting"]);
    // At t = 11 resident has acted 11 s: weight 2^−11, ≈ 1 token; room ≈ 2300 − 1 − 100 ≈ 2199
    // ≥ 1100: decay lets "waiting" back in (without decay the room would be 200).
    const t = r.tick(11);
    expect(t.restored.map((x) => x.programId)).toEqual(["waiting"]);
    // …and the pause pass (no decay) then finds 3200 > 2300 and pauses the smaller acting one.
    expect(t.paused).toEqual(["waiting"]);
  });
});

/** The original's `_greedy_resume`, written plainly (full sorts, no shortcuts). */
function referenceRestore(
  candidates: ReadonlyArray<RestoreCandidate<string>>,
  rooms: ReadonlyArray<{ url: string; remaining: number; activeTokens: number }>,
  buffer: number,
): Array<{ item: string; backend: string }> {
  const caps = rooms.filter((r) => r.remaining > buffer).map((r, i) => ({ ...r, i }));
  const total = caps.reduce((a, r) => a + r.remaining, 0);
  if (caps.length === 0 || !(total > 0)) return [];
  const ordered = candidates
    .map((c, i) => ({ c, i }))
    .sort((a, b) => a.c.group - b.c.group || a.c.tokens - b.c.tokens || a.i - b.i)
    .map((x) => x.c);
  const selected: Array<RestoreCandidate<string>> = [];
  let cum = 0;
  for (const c of ordered) {
    if (cum + c.tokens + buffer <= total) {
      selected.push(c);
      cum += c.tokens + buffer;
    }
  }
  if (selected.length === 0) return [];
  const dec = selected
    .map((c, i) => ({ c, i }))
    .sort((a, b) => b.c.tokens - a.c.tokens || a.i - b.i);
  const minReq = dec[dec.length - 1]!.c.tokens + buffer;
  const out: Array<{ item: string; backend: string }> = [];
  const order = () =>
    caps.sort((a, b) => b.remaining - a.remaining || a.activeTokens - b.activeTokens || a.i - b.i);
  order();
  for (const { c } of dec) {
    if (caps.length === 0) break;
    const top = caps[0]!;
    if (minReq > top.remaining) break;
    const need = c.tokens + buffer;
    if (need > top.remaining) continue;
    out.push({ item: c.item, backend: top.url });
    top.remaining -= need;
    top.activeTokens += c.tokens;
    if (!(top.remaining > buffer)) caps.shift();
    order();
  }
  return out;
}

describe("planRestore agrees with a plain rendering of the original algorithm", () => {
  it("on random queues and rooms", () => {
    const candArb = fc.array(
      fc.record({
        tokens: fc.nat(6000),
        group: fc.constantFrom(0 as const, 1 as const, 2 as const),
      }),
      { maxLength: 40 },
    );
    const roomArb = fc.array(
      fc.record({
        remaining: fc.oneof(
          fc.integer({ min: -2000, max: 25_000 }),
          fc.constant(Number.POSITIVE_INFINITY),
        ),
        activeTokens: fc.nat(5000),
      }),
      { minLength: 1, maxLength: 5 },
    );
    fc.assert(
      fc.property(candArb, roomArb, fc.constantFrom(0, 100), (cs, rs, buffer) => {
        const candidates = cs.map((c, i) => ({ item: `c${i}`, ...c }));
        const rooms = rs.map((r, i) => ({ url: `b${i}`, ...r }));
        expect(planRestore(candidates, rooms, buffer)).toEqual(
          referenceRestore(candidates, rooms, buffer),
        );
      }),
      { numRuns: 500 },
    );
  });
});

describe("planRestoreWith (any groups, a room chooser)", () => {
  const rooms = [
    { url: A, remaining: 5000, activeTokens: 0 },
    { url: B, remaining: 3000, activeTokens: 0 },
  ];
  const items = ["x", "y", "z"];
  const tokens: Record<string, number> = { x: 1000, y: 2000, z: 500 };

  it("selects groups in ascending order, skipping missing ones", () => {
    // Total room 8000: group 7 (z) first, then group 3 (y), then group 5 (x).
    const groups: Record<string, number> = { x: 5, y: 3, z: 7 };
    const placements = planRestoreWith(["x", "y", "z"], {
      tokensOf: (i) => tokens[i]!,
      groupOf: (i) => groups[i]!,
      rooms: [{ url: A, remaining: 2800, activeTokens: 0 }],
      bufferPerProgram: 100,
    });
    // Needs: y 2100 (group 3) then x 1100 → 3200 > 2800: left out; z 600 → 2700.
    expect(placements).toEqual([
      { item: "y", backend: A },
      { item: "z", backend: A },
    ]);
  });

  it("places where the chooser says, leaves out what it declines or what does not fit", () => {
    const placements = planRestoreWith(items, {
      tokensOf: (i) => tokens[i]!,
      groupOf: () => 0,
      rooms,
      bufferPerProgram: 100,
      // Largest first: y → B (900 left), x declined, z → the last room, B (600 ≤ 900).
      choose: (item, open) => (item === "y" ? 1 : item === "x" ? -1 : open.length - 1),
    });
    expect(placements).toEqual([
      { item: "y", backend: B },
      { item: "z", backend: B },
    ]);
    const guarded = planRestoreWith(["y"], {
      tokensOf: (i) => tokens[i]!,
      groupOf: () => 0,
      rooms: [
        { url: A, remaining: 5000, activeTokens: 0 },
        { url: B, remaining: 1000, activeTokens: 0 },
      ],
      bufferPerProgram: 100,
      choose: () => 1, // B cannot hold 2100: ignored, nothing placed
    });
    expect(guarded).toEqual([]);
  });
});
