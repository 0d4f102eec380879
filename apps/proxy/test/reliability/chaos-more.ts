/** Chaos scenarios with their own set-up: never-released programs, SIGTERM with streams in flight. */
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { request } from "undici";
import { startFaultUpstream } from "../helpers/fault-upstream.js";
import { startProxy } from "../helpers/harness.js";
import { chat, load, sleep, tally } from "./chaos-load.js";
import { startEngineProcess, startProxyProcess, stop } from "./chaos-procs.js";

const mb = (n: number) => Math.round(n / 1024 / 1024);
/** RSS and V8 heap in use, MB (RSS keeps pages the heap gave back; the heap shows what is held). */
const mem = () => {
  const m = process.memoryUsage();
  return { rss: mb(m.rss), heap: mb(m.heapUsed) };
};
// A full collection before each RSS reading (the flag set at run time, so `pnpm chaos` needs none).
v8.setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as (() => void) | undefined;

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await f();
  return [v, Math.round(performance.now() - t0)];
}

/** Worst gap of a 5 ms timer while `f` runs: how long the event loop was blocked at most. */
async function worstStall<T>(f: () => Promise<T>): Promise<[T, number]> {
  let last = performance.now();
  let worst = 0;
  const t = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 5);
  const v = await f();
  clearInterval(t);
  return [v, Math.round(worst)];
}

/**
 * 100,000 programs that are never released (through the Router the proxy drives, as 100,000
 * clients would leave them), then: a new program over --max-programs, /programs and /health
 * meanwhile, reclaim at the abandon timeout, RSS at each point; and 200 idle programs filling a
 * small backend while new ones arrive (the acting lease, 15 s by default, lets them in).
 */
export async function neverReleased(): Promise<Record<string, unknown>> {
  const up = await startFaultUpstream();
  const p = await startProxy(
    { backends: [up.url], healthInterval: 1, schedulerInterval: 0.5 },
    { timers: true },
  );
  try {
    gc?.();
    const m0 = mem();
    const r = p.ctx.router;
    const usage = { promptTokens: 10, completionTokens: 1, totalTokens: 11, cachedTokens: null };
    const now = p.ctx.now();
    for (let i = 0; i < 100_000; i++) {
      r.arrive({ requestId: `nr${i}`, programId: `never-${i}`, payloadChars: 40 }, now);
      r.complete(`nr${i}`, usage, now);
    }
    gc?.();
    const m1 = mem();
    const overBound = await chat(p.url, "one-too-many");
    const [[programsBytes, healthMs], programsWorstStallMs] = await worstStall(async () => {
      const [bytes, health] = await Promise.all([
        request(`${p.url}/programs`)
          .then((res) => res.body.text())
          .then((t) => t.length),
        sleep(20).then(() =>
          timed(() => request(`${p.url}/health`).then((res) => res.body.text())),
        ),
      ]);
      return [bytes, health[1]] as const;
    });
    const [, programsMs] = await timed(() =>
      request(`${p.url}/programs`).then((res) => res.body.text()),
    );
    const reclaimed = r.tick(now + p.config.abandonTimeout + 1).reclaimed.length;
    gc?.();
    const m2 = mem();
    return {
      programs: 100_000,
      memoryMB: { before: m0, with100k: m1, afterReclaim: m2 },
      gcExposed: gc !== undefined,
      newProgramOverMaxPrograms: overBound.outcome,
      programsBodyMB: +(programsBytes / 1024 / 1024).toFixed(1),
      programsMs,
      programsWorstEventLoopStallMs: programsWorstStallMs,
      healthDuringProgramsMs: healthMs,
      reclaimedAtAbandonTimeout: reclaimed,
      left: r.programCount(),
      lease: await leaseLetsNewProgramsIn(),
    };
  } finally {
    await p.close();
    await up.close();
  }
}

/** 25 never-released programs fill a 1,000-block backend; 20 new programs then arrive. */
async function leaseLetsNewProgramsIn(): Promise<Record<string, unknown>> {
  const up = await startFaultUpstream();
  up.gpuBlocks = 1000; // 16,000 tokens: ~25 programs with their 600-token buffers
  const p = await startProxy(
    { backends: [up.url], healthInterval: 1, schedulerInterval: 0.5 },
    { timers: true },
  );
  try {
    await load(p.url, 25, 25, "idle", { timeoutMs: 60_000 });
    const [results, ms] = await timed(() => load(p.url, 20, 20, "fresh", { timeoutMs: 60_000 }));
    return {
      actingLeaseS: p.ctx.router.options.actingLeaseS,
      idlePrograms: 25,
      newPrograms: tally(results),
      allNewAnsweredWithinMs: ms,
    };
  } finally {
    await p.close();
    await up.close();
  }
}

/** 10 streams in flight through the proxy process; SIGTERM; each must end with [DONE]. */
export async function sigtermDrain(): Promise<Record<string, unknown>> {
  const engine = await startEngineProcess(0.2);
  const proxy = await startProxyProcess([engine.url]);
  try {
    const streams = load(proxy.url, 10, 10, "drain", { stream: true, maxTokens: 400 });
    await sleep(1000);
    const t0 = performance.now();
    proxy.child.kill("SIGTERM");
    const code = await proxy.exited;
    const exitMs = Math.round(performance.now() - t0);
    const results = tally(await streams);
    return { streams: results, exitCode: code, exitAfterSigtermMs: exitMs };
  } finally {
    await stop(proxy);
    await stop(engine);
  }
}
