/**
 * The Docker hosts' health pings: the pure state machine (healthy -> suspect -> drained, and back
 * after enough answers), the pool's drain and return as its watchers see them, and the monitor's
 * loop over a scripted ping (no engine: the real pings are apps/swebench's remote-host test).
 */
import { describe, expect, it, vi } from "vitest";
import { EnvironmentSection } from "../src/config/mini-config.js";
import {
  type HostHealth,
  type PingResult,
  HostPool,
  afterPing,
  drainedElsewhere,
  healthy,
  startHealthMonitor,
} from "../src/docker/index.js";

const OK: PingResult = { ok: true };
const FAIL: PingResult = { ok: false, error: "connect ECONNREFUSED" };
const rules = { failAfter: 2, recoverAfter: 3 };

/** Feeds pings one second apart from t=1; the states and changes. */
function feed(pings: PingResult[], r = rules, start: HostHealth = healthy(0)) {
  let state = start;
  return pings.map((p, i) => {
    const next = afterPing(state, p, i + 1, r);
    state = next.state;
    return { phase: state.phase, change: next.change?.kind ?? null, next };
  });
}

describe("the health state machine", () => {
  it("stays healthy while pings are answered", () => {
    const steps = feed([OK, OK, OK]);
    expect(steps.map((s) => s.phase)).toEqual(["healthy", "healthy", "healthy"]);
    expect(steps.every((s) => s.change === null)).toBe(true);
  });

  it("one miss is suspect, an answer clears it, and the count starts again", () => {
    const steps = feed([FAIL, OK, FAIL, OK]);
    expect(steps.map((s) => [s.phase, s.change])).toEqual([
      ["suspect", "suspect"],
      ["healthy", "cleared"],
      ["suspect", "suspect"],
      ["healthy", "cleared"],
    ]);
  });

  it("fail_after misses in a row drain it, naming the count, the time and the last error", () => {
    const steps = feed([OK, FAIL, FAIL], { failAfter: 2, recoverAfter: 0 });
    expect(steps.map((s) => s.phase)).toEqual(["healthy", "suspect", "drained"]);
    const change = steps[2]!.next.change;
    expect(change).toEqual({
      kind: "drain",
      why: "no answer to 2 health pings in a row over 1.0 s (connect ECONNREFUSED)",
    });
    expect(steps[2]!.next.state.since).toBe(3);
  });

  it("with fail_after 1 the first miss drains", () => {
    const [step] = feed([{ ok: false, error: "no answer in 3 s" }], {
      failAfter: 1,
      recoverAfter: 1,
    });
    expect(step!.phase).toBe("drained");
    expect(step!.next.change).toEqual({
      kind: "drain",
      why: "no answer to 1 health ping in a row (no answer in 3 s)",
    });
  });

  it("a drained host comes back after recover_after answers in a row; a miss restarts the count", () => {
    const steps = feed([FAIL, FAIL, OK, OK, FAIL, OK, OK, OK, OK]);
    expect(steps.map((s) => s.phase)).toEqual([
      "suspect",
      "drained",
      "drained",
      "drained",
      "drained",
      "drained",
      "drained",
      "healthy",
      "healthy",
    ]);
    expect(steps[7]!.next.change).toEqual({ kind: "recover", outS: 6 }); // drained at 2, back at 8
    expect(steps.filter((s) => s.change === "recover")).toHaveLength(1);
  });

  it("with recover_after 0 a drained host stays out", () => {
    const steps = feed([FAIL, FAIL, ...Array<PingResult>(20).fill(OK)], {
      failAfter: 2,
      recoverAfter: 0,
    });
    expect(steps.at(-1)!.phase).toBe("drained");
    expect(steps.filter((s) => s.change === "recover")).toHaveLength(0);
  });

  it("a host taken out by a failed operation is drained here and comes back by the same rule", () => {
    const out = drainedElsewhere(healthy(0), 5);
    expect(out).toMatchObject({ phase: "drained", since: 5 });
    expect(drainedElsewhere(out, 9)).toBe(out);
    const steps = feed([OK, OK, OK], rules, out);
    expect(steps.map((s) => s.change)).toEqual([null, null, "recover"]);
  });
});

describe("docker_health config", () => {
  it("has defaults: every 10 s, 3 s timeout, drain after 2 misses, back after 3 answers", () => {
    expect(EnvironmentSection.parse({}).docker_health).toEqual({
      interval_s: 10,
      timeout_s: 3,
      fail_after: 2,
      recover_after: 3,
    });
  });

  it.each([
    [{ interval_s: -1 }, "interval_s"],
    [{ fail_after: 0 }, "fail_after"],
    [{ fail_after: 1.5 }, "fail_after"],
    [{ recover_after: -1 }, "recover_after"],
    [{ timeout_s: 0 }, "timeout_s"],
    [{ every: 5 }, "every"],
  ])("rejects %j naming the key", (health, key) => {
    const r = EnvironmentSection.safeParse({ docker_health: health });
    expect(r.success).toBe(false);
    const issue = r.error!.issues[0]!;
    expect([...issue.path, ...((issue as { keys?: string[] }).keys ?? [])]).toContain(key);
  });
});

describe("the pool's drain and return", () => {
  it("watchers of a host hear of its drain once; watching a drained host tells at once", async () => {
    const pool = new HostPool([{ url: "a" }, { url: "b" }]);
    const heard: string[] = [];
    pool.watch("a", (why) => heard.push(`a1: ${why}`));
    const unwatch = pool.watch("a", (why) => heard.push(`a2: ${why}`));
    pool.watch("b", (why) => heard.push(`b: ${why}`));
    unwatch();
    expect(pool.takeOut("a", "no answer")).toBe("docker host a taken out: no answer; 1 left (b)");
    expect(pool.takeOut("a", "again")).toBeNull();
    expect(heard).toEqual(["a1: no answer"]);
    pool.watch("a", (why) => heard.push(`late: ${why}`));
    await Promise.resolve();
    expect(heard).toEqual(["a1: no answer", "late: no answer"]);
  });

  it("a host brought back takes containers again; waiters get it", async () => {
    const pool = new HostPool([{ url: "a", slots: 1 }]);
    const changes: string[] = [];
    pool.onChange((c) => changes.push(`${c.url} ${c.up ? "up" : "out"}`));
    pool.takeOut("a", "down");
    await expect(pool.acquire("img")).rejects.toThrow("no Docker host left");
    expect(pool.bringBack("a", "answered 3 health pings in a row")).toBe(
      "docker host a back in: answered 3 health pings in a row; 1 up (a)",
    );
    expect(pool.bringBack("a", "again")).toBeNull();
    expect(await pool.acquire("img")).toBe("a");
    expect(changes).toEqual(["a out", "a up"]);
  });
});

describe("the health monitor", () => {
  it("drains a host that stops answering, leaves the other, brings it back; stops cleanly", async () => {
    const pool = new HostPool([{ url: "a" }, { url: "b" }]);
    const down = new Set<string>();
    const pings: string[] = [];
    const lines: string[] = [];
    const info: string[] = [];
    const monitor = startHealthMonitor({
      pool,
      rules: { interval_s: 0.01, timeout_s: 0.01, fail_after: 2, recover_after: 2 },
      ping: async (url) => {
        pings.push(url);
        if (down.has(url)) throw new Error("connect ECONNREFUSED");
      },
      warn: (l) => lines.push(l),
      info: (l) => info.push(l),
    });
    try {
      await vi.waitFor(() => expect(pings.filter((u) => u === "a").length).toBeGreaterThan(2));
      down.add("a");
      await vi.waitFor(() => expect(pool.host("a").up).toBe(false));
      expect(pool.host("b").up).toBe(true);
      expect(lines[0]).toMatch(
        /^docker host a taken out: no answer to 2 health pings in a row over [\d.]+ s \(connect ECONNREFUSED\); 1 left \(b\)$/,
      );
      expect(info).toContain("docker host a missed a health ping (connect ECONNREFUSED); 1 of 2");
      down.delete("a");
      await vi.waitFor(() => expect(pool.host("a").up).toBe(true));
      expect(lines[1]).toMatch(
        /^docker host a back in: answered 2 health pings in a row after [\d.]+ s out; 2 up \(a, b\)$/,
      );
    } finally {
      monitor.stop();
    }
    const n = pings.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(pings.length).toBe(n);
  });

  it("a ping that hangs counts as unanswered after the timeout", async () => {
    const pool = new HostPool([{ url: "hung" }]);
    const lines: string[] = [];
    const monitor = startHealthMonitor({
      pool,
      rules: { interval_s: 0.02, timeout_s: 0.02, fail_after: 1, recover_after: 0 },
      ping: (_url, signal) =>
        new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
      warn: (l) => lines.push(l),
      info: () => undefined,
    });
    try {
      await vi.waitFor(() => expect(lines).toHaveLength(1));
      expect(lines[0]).toContain("(no answer in 0.02 s)");
    } finally {
      monitor.stop();
    }
  });

  it("a host taken out by a failed operation comes back once it answers", async () => {
    const pool = new HostPool([{ url: "a" }, { url: "b" }]);
    const lines: string[] = [];
    const monitor = startHealthMonitor({
      pool,
      rules: { interval_s: 0.01, timeout_s: 0.01, fail_after: 2, recover_after: 2 },
      ping: async () => undefined,
      warn: (l) => lines.push(l),
      info: () => undefined,
    });
    try {
      pool.takeOut("a", "exec: socket hang up");
      await vi.waitFor(() => expect(pool.host("a").up).toBe(true));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain("docker host a back in: answered 2 health pings in a row");
    } finally {
      monitor.stop();
    }
  });
});
