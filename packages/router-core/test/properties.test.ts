/**
 * Property tests: random sequences of arrive/forward/stream/complete/fail/cancel/release/tick/
 * health/scrape events against the router's invariants.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_ROUTER_OPTIONS, emptySnapshot, Router, type RouterOptions } from "../src/index.js";
import { usedTokens } from "../src/capacity.js";
import type { Program } from "../src/program.js";
import { reservedTokens } from "../src/policy/acting-lease.js";

const BACKENDS = ["http://b0", "http://b1", "http://b2"];
const PROGRAMS = ["p0", "p1", "p2", "p3", "p4", "p5"];

type Event =
  | { t: "arrive"; p: number; chars: number; docker: boolean }
  | { t: "forward"; k: number; chunks: number }
  | { t: "complete"; k: number; total: number; prompt: number }
  | { t: "fail"; k: number }
  | { t: "cancel"; k: number }
  | { t: "release"; p: number }
  | { t: "tick" }
  | { t: "advance"; dt: number }
  | { t: "health"; b: number; healthy: boolean }
  | { t: "scrape"; b: number; cap: number | null; usage: number }
  | { t: "scrape-failed"; b: number };

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant("arrive" as const),
      p: fc.nat(5),
      chars: fc.nat(40_000),
      docker: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant("forward" as const), k: fc.nat(20), chunks: fc.nat(60) }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant("complete" as const),
      k: fc.nat(20),
      total: fc.nat(12_000),
      prompt: fc.nat(10_000),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("fail" as const), k: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("cancel" as const), k: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("release" as const), p: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("scrape-failed" as const), b: fc.nat(2) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant("tick" as const) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("advance" as const),
      dt: fc.double({ min: 0, max: 400, noNaN: true }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("health" as const),
      b: fc.nat(2),
      healthy: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("scrape" as const),
      b: fc.nat(2),
      cap: fc.option(fc.integer({ min: 200, max: 30_000 }), { nil: null }),
      // Usage 1 (no shared credit) half the time: with shared = reasoning − usage·capacity the
      // reasoning part of `used` never exceeds usage·capacity, so marks need usage near 1.
      usage: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
    }),
  },
);

const optionsArb: fc.Arbitrary<RouterOptions> = fc.record({
  mode: fc.constantFrom("tr" as const, "tr" as const, "default" as const),
  actingTokenWeight: fc.constantFrom(1, 0.5, 0),
  useActingTokenDecay: fc.boolean(),
  actingDecayBase: fc.constantFrom(2, 4),
  bufferPerProgram: fc.constant(100),
  forceResumeAfterS: fc.constantFrom(60, 600, 1800),
  abandonAfterS: fc.constantFrom(300, 1800),
  initialCharsPerToken: fc.constant(5),
  streamUpdateEveryChunks: fc.constantFrom(1, 20),
  profile: fc.boolean(),
  sharedCredit: fc.constantFrom("always" as const, "unless-queued" as const, "never" as const),
  markReasoning: fc.constantFrom("until-fits" as const, "all" as const),
  payloadChars: fc.constantFrom("body" as const, "python-json" as const),
  capacityFrom: fc.constantFrom(
    "every-scrape" as const,
    "first-scrape" as const,
    "first-attempt" as const,
  ),
  futurePausedTokens: fc.constantFrom("marked-sum" as const, "original" as const),
  releasedRequestsTo: fc.constantFrom("least-loaded" as const, "first" as const),
  forceResumeTo: fc.constantFrom("least-loaded" as const, "origin" as const),
  restoreOrder: fc.constantFrom("current" as const, "at-pause" as const, "least-service" as const),
  actingDecay: fc.constantFrom("weighted" as const, "original" as const),
  pauseTies: fc.constantFrom("registration" as const, "creation" as const),
  unknownCapacity: fc.constantFrom("unbounded" as const, "no-restores" as const),
  resumePlacement: fc.constantFrom("best-fit" as const, "origin-first" as const),
  resumeMoveAfterS: fc.constantFrom(null, 0, 30),
  resumeMoveHeadroom: fc.constantFrom(null, 1.2),
  restoreBoostAfterS: fc.constantFrom(null, 0, 60),
  waitGuardAfterS: fc.constantFrom(null, null, 0, 30),
  waitGuardQuantumS: fc.constantFrom(0, 60),
  actingLeaseS: fc.constantFrom(null, 0, 30, 300),
  actingLeaseToolFactor: fc.constantFrom(null, 3),
  kvUsageSmoothingS: fc.constantFrom(null, 0, 10),
  kvHighWatermark: fc.constantFrom(null, 0.5, 0.95),
  kvPauseTarget: fc.constantFrom(null, 0.3, 0.8),
  kvLowWatermark: fc.constantFrom(null, 0.4, 0.85),
  gateQueuedBackends: fc.boolean(),
  tokenEstimate: fc.constantFrom("global" as const, "per-program" as const),
  restoreNeed: fc.constantFrom("tokens" as const, "next-step" as const),
  victimPenalty: fc.constantFrom(0, 0.5, 2),
  victimMemoryS: fc.constantFrom(60, 600),
});

function ok(cond: boolean, what: string): void {
  if (!cond) throw new Error(`invariant broken: ${what}`);
}

function checkInvariants(r: Router): void {
  const s = r.state;
  const tr = s.opts.mode === "tr";
  const seen = new Map<Program, string>();
  for (const b of s.backendList) {
    let rt = 0;
    let at = 0;
    let rc = 0;
    let ac = 0;
    let mt = 0;
    let mc = 0;
    for (const p of b.programs) {
      // registered on at most one backend, never while paused
      ok(!seen.has(p), "registered twice");
      seen.set(p, b.url);
      ok(p.backend === b.url, "backend field");
      ok(p.state === "active", "registered while not active");
      ok(s.programs.get(p.id) === p, "registered but unknown");
      ok(!s.queue.has(p), "registered while queued");
      const counted = reservedTokens(p);
      if (p.status === "acting") {
        at += counted;
        ac++;
      } else {
        rt += counted;
        rc++;
      }
      if (p.markedForPause) {
        mt += counted;
        mc++;
      }
    }
    // incremental sums equal the sums over programs
    ok(
      b.reasoningTokens === rt &&
        b.actingTokens === at &&
        b.reasoningCount === rc &&
        b.actingCount === ac,
      `sums of ${b.url}: ${[b.reasoningTokens, b.actingTokens, b.reasoningCount, b.actingCount]} vs ${[rt, at, rc, ac]}`,
    );
    ok(b.markedTokens === mt && b.markedCount === mc, "marked sums");
    ok(rc + ac === b.programs.size, `program list size of ${b.url}`);
    if (!b.healthy && tr) ok(b.programs.size === 0, "programs on an unhealthy backend");
  }
  const inFlight = new Map<Program, number>();
  for (const rec of s.requests.values()) {
    if (rec.phase === "in_flight") inFlight.set(rec.program, (inFlight.get(rec.program) ?? 0) + 1);
    else {
      ok(s.pendingRequests.get(rec.id) === rec, "pending request not indexed");
      ok(rec.program.pending.has(rec.id), "pending request not on its program");
    }
  }
  for (const rec of s.pendingRequests.values()) ok(rec.phase === "pending", "pending index");
  for (const p of s.programs.values()) {
    ok(p.inFlight === (inFlight.get(p) ?? 0), `in-flight count of ${p.id}`);
    ok(p.pendingCount === p.pending.size, `pendingCount of ${p.id}`);
    ok((p.status === "reasoning") === p.inFlight + p.pending.size > 0, `status of ${p.id}`);
    if (p.markedForPause) ok(p.status === "reasoning", "marked while acting");
    if (p.leaseExpired) ok(p.status === "acting", "lease expired while reasoning");
    if (p.state === "paused") {
      ok(s.queue.has(p), "paused but not queued");
      ok(p.backend === null && !p.account.attached, "paused but registered");
      ok(!p.markedForPause, "paused and marked");
    } else {
      ok(p.state === "active", "state");
      ok(p.pending.size === 0, "active with pending requests");
      if (p.backend !== null) ok(seen.get(p) === p.backend, "not registered where it says");
      // In tr only a program never admitted may be active without a backend: one queued at
      // admission while no backend was healthy, whose request gave up (lifecycle's unpark).
      else
        ok(!tr || (p.inFlight === 0 && p.originBackend === null), "active without backend in tr");
    }
  }
  let queued = 0;
  for (const p of s.queue.values()) {
    ok(s.programs.get(p.id) === p && p.state === "paused", "queued but unknown or not paused");
    queued++;
  }
  ok(queued === s.queue.size, "queue size");
  if (!tr) ok(s.pendingRequests.size === 0, "waiting in default mode");
}

function checkAfterTick(r: Router, now: number): void {
  const s = r.state;
  if (s.opts.mode === "tr") {
    for (const b of s.backendList) {
      const cap = b.capacity;
      if (cap === null || !b.healthy) continue;
      // no backend over capacity while it still has an acting program
      if (b.actingCount > 0)
        ok(usedTokens(b, s.cap) <= cap + 1e-6, `${b.url} over capacity with acting programs`);
    }
  }
  // no abandoned program survives a tick
  for (const p of s.programs.values()) {
    if (p.inFlight === 0 && p.pending.size === 0) {
      ok(now - p.lastActivity < s.opts.abandonAfterS, `${p.id} abandoned but not reclaimed`);
    }
  }
  // every pending request is resumed or forced within the timeout
  for (const rec of s.pendingRequests.values()) {
    ok(now - rec.arrivedAt < s.opts.forceResumeAfterS, `request ${rec.id} waited past the timeout`);
  }
}

/** What the generated sequences exercised, summed over runs (guards against a vacuous generator). */
const exercised = {
  pauses: 0,
  marks: 0,
  restores: 0,
  migrations: 0,
  forcedResumes: 0,
  reclaimed: 0,
  queuedNew: 0,
};

function run(opts: RouterOptions, events: readonly Event[]): Router {
  const r = new Router(opts, BACKENDS);
  let now = 0;
  let seq = 0;
  const byPhase = (phase: "pending" | "in_flight") =>
    [...r.state.requests.values()].filter((x) => x.phase === phase).map((x) => x.id);
  const pick = (ids: string[], k: number): string | undefined =>
    ids.length ? ids[k % ids.length] : undefined;
  for (const e of events) {
    switch (e.t) {
      case "arrive": {
        const id = `r${seq++}`;
        const d = r.arrive(
          {
            requestId: id,
            programId: PROGRAMS[e.p]!,
            payloadChars: e.chars,
            ...(e.docker ? { dockerIds: [`d-${id}`] } : {}),
          },
          now,
        );
        if (opts.mode === "default") expect(d.kind).toBe("forward");
        if (d.kind === "forward") expect(r.state.backends.has(d.backend)).toBe(true);
        break;
      }
      case "forward": {
        const id = pick(byPhase("in_flight"), e.k);
        if (!id) break;
        r.forwarded(id, now);
        r.firstToken(id, now);
        for (let i = 0; i < e.chunks; i++) r.streamChunk(id, now);
        break;
      }
      case "complete": {
        const id = pick(byPhase("in_flight"), e.k);
        if (!id) break;
        const prompt = Math.min(e.prompt, e.total);
        const row = r.complete(
          id,
          {
            promptTokens: prompt,
            completionTokens: e.total - prompt,
            totalTokens: e.total,
            cachedTokens: null,
          },
          now,
        );
        expect(row === null).toBe(!opts.profile);
        break;
      }
      case "fail": {
        const id = pick(byPhase("in_flight"), e.k);
        if (id) r.fail(id, now);
        break;
      }
      case "cancel": {
        const id = pick(byPhase("pending"), e.k);
        if (id) r.cancelPending(id, now);
        break;
      }
      case "release": {
        const pid = PROGRAMS[e.p]!;
        const known = r.program(pid) !== undefined;
        const first = r.release(pid, now);
        expect(first.released).toBe(known);
        const second = r.release(pid, now); // idempotent
        expect(second).toEqual({ released: false, dockerIds: [], resumed: [] });
        expect(r.program(pid)).toBeUndefined();
        break;
      }
      case "tick": {
        const res = r.tick(now);
        for (const x of res.resumed)
          expect(r.state.requests.get(x.requestId)?.phase).toBe("in_flight");
        for (const x of res.reclaimed) expect(r.program(x.programId)).toBeUndefined();
        checkAfterTick(r, now);
        break;
      }
      case "advance":
        now += e.dt;
        break;
      case "health":
        r.setBackendHealth(BACKENDS[e.b]!, e.healthy, now);
        break;
      case "scrape-failed":
        r.scrapeFailed(BACKENDS[e.b]!, now);
        break;
      case "scrape":
        r.updateBackend(
          BACKENDS[e.b]!,
          { ...emptySnapshot(e.cap, e.usage), numRequestsWaiting: e.usage > 0.5 ? 2 : 0 },
          now,
        );
        break;
    }
    checkInvariants(r);
  }
  // Views always validate against the protocol's shapes (checked in views.test.ts by schema);
  // here: they never throw and count what the state holds.
  expect(Object.keys(r.programsView()).length).toBe(r.state.programs.size);
  expect(r.healthView().paused_count).toBe(r.state.queue.size);
  const st = r.stats();
  for (const k of Object.keys(exercised) as Array<keyof typeof exercised>) exercised[k] += st[k];
  return r;
}

describe("router invariants under random event sequences", () => {
  it("hold for tr and default modes", () => {
    fc.assert(
      fc.property(
        optionsArb,
        fc.array(eventArb, { minLength: 20, maxLength: 150, size: "max" }),
        (opts, events) => {
          run(opts, events);
        },
      ),
      { numRuns: 250 },
    );
    for (const [k, v] of Object.entries(exercised)) {
      if (k !== "forcedResumes") expect(v, k).toBeGreaterThan(0);
    }
  });

  it("is deterministic: the same events give the same state (the simulation relies on it)", () => {
    fc.assert(
      fc.property(
        optionsArb,
        fc.array(eventArb, { minLength: 10, maxLength: 80, size: "max" }),
        (opts, events) => {
          const a = run(opts, events);
          const b = run(opts, events);
          expect(b.programsView()).toEqual(a.programsView());
          expect(b.healthView()).toEqual(a.healthView());
          expect(b.stats()).toEqual(a.stats());
        },
      ),
      { numRuns: 60 },
    );
  });

  it("a long waiting request is always forced through by the next tick after the timeout", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 10, maxLength: 80, size: "max" }), (events) => {
        const opts = { ...DEFAULT_ROUTER_OPTIONS, forceResumeAfterS: 60 };
        run(opts, [...events, { t: "advance", dt: 61 }, { t: "tick" }]);
      }),
      { numRuns: 150 },
    );
    expect(exercised.forcedResumes).toBeGreaterThan(0);
  });
});
