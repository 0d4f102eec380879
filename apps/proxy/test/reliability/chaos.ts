/**
 * The chaos scenarios (`pnpm chaos`), each returning its numbers: a backend SIGKILLed mid-stream,
 * a backend flapping under load, a backend that never answers, all backends down then back,
 * clients that never finish their bodies, 100,000 never-released programs, and a SIGTERM to the
 * proxy process with streams in flight. engine-sim and the proxy run as real processes where a
 * signal is part of the scenario; fault upstreams where engine-sim cannot misbehave on purpose.
 */
import { connect, type Socket } from "node:net";
import { readdirSync } from "node:fs";
import { request } from "undici";
import {
  answerOk,
  answerStatus,
  stall,
  startFaultUpstream,
  type FaultUpstream,
} from "../helpers/fault-upstream.js";
import { startProxy, type RunningProxy } from "../helpers/harness.js";
import { startEngineProcess, stop } from "./chaos-procs.js";
import { load, sleep, tally } from "./chaos-load.js";

type Numbers = Record<string, unknown>;
const fast = { healthInterval: 1, schedulerInterval: 0.5 };

async function proxyOver(
  backends: string[],
  extra: Record<string, unknown> = {},
): Promise<RunningProxy> {
  return startProxy({ backends, ...fast, ...extra }, { timers: true });
}

/** Streams in flight on two engines; one is SIGKILLed; then new requests. */
export async function killMidStream(): Promise<Numbers> {
  const [a, b] = await Promise.all([startEngineProcess(0.2), startEngineProcess(0.2)]);
  const p = await proxyOver([a.url, b.url]);
  try {
    const inFlight = load(p.url, 20, 20, "kill", { stream: true, maxTokens: 200 });
    await sleep(1500);
    const onA = [...p.ctx.router.programEntries()].filter(([, v]) => v.backend === a.url).length;
    await stop(a, "SIGKILL");
    const during = tally(await inFlight);
    const after = tally(await load(p.url, 20, 5, "after-kill", { maxTokens: 8 }));
    return {
      streamsOnKilledBackend: onA,
      during,
      after,
      retries: p.ctx.counters.retries,
      stats: inflight(p),
    };
  } finally {
    await p.close();
    await stop(a);
    await stop(b);
  }
}

/** A backend alternating between answering and refusing every second, beside a healthy one. */
export async function flapping(): Promise<Numbers> {
  const flap = await startFaultUpstream();
  const good = await startFaultUpstream();
  const p = await proxyOver([flap.url, good.url], { router: "default" });
  let down = false;
  const timer = setInterval(() => {
    down = !down;
    flap.handle = down ? answerStatus(503) : answerOk;
    flap.healthStatus = down ? 503 : 200;
  }, 1000);
  try {
    const t0 = performance.now();
    const results = await load(p.url, 1000, 16, "flap");
    return {
      durationS: +((performance.now() - t0) / 1000).toFixed(1),
      ...tally(results),
      flapHits: flap.hits,
      retries: p.ctx.counters.retries,
      breakerOpens: p.ctx.monitor.breakers.opened,
      stats: inflight(p),
    };
  } finally {
    clearInterval(timer);
    await p.close();
    await flap.close();
    await good.close();
  }
}

/** A backend that accepts and never answers: --first-byte-timeout 2 instead of forever. */
export async function neverAnswers(): Promise<Numbers> {
  const silent = await startFaultUpstream(stall);
  const p = await proxyOver([silent.url], { firstByteTimeout: 2 });
  try {
    return { ...tally(await load(p.url, 10, 10, "silent")), stats: inflight(p) };
  } finally {
    await p.close();
    await silent.close();
  }
}

/** Both backends down (health 503, data plane 503), then both back. */
export async function allDownThenBack(): Promise<Numbers> {
  const ups = [await startFaultUpstream(), await startFaultUpstream()];
  const p = await proxyOver(ups.map((u) => u.url));
  const set = (ok: boolean) => {
    for (const u of ups) {
      u.healthStatus = ok ? 200 : 503;
      u.handle = ok ? answerOk : answerStatus(503);
    }
  };
  try {
    set(false);
    await sleep(1500);
    const health = await request(`${p.url}/health`);
    const healthBody = (await health.body.json()) as { status: string; healthy_backends: number };
    const down = tally(await load(p.url, 20, 20, "down"));
    set(true);
    const t0 = performance.now();
    let firstOk = 0;
    const back = tally(
      await load(p.url, 20, 4, "back").then((r) => {
        firstOk = performance.now() - t0;
        return r;
      }),
    );
    return {
      healthWhileDown: {
        http: health.statusCode,
        status: healthBody.status,
        healthy_backends: healthBody.healthy_backends,
      },
      down,
      back,
      recoveredWithinMs: Math.round(firstOk),
      stats: inflight(p),
    };
  } finally {
    await p.close();
    for (const u of ups) await u.close();
  }
}

/** 500 clients that never finish their bodies, beside 100 normal requests (--client-timeout 2). */
export async function incompleteBodies(): Promise<Numbers> {
  const up = await startFaultUpstream();
  const p = await proxyOver([up.url], { clientTimeout: 2 });
  const { port } = new URL(p.url);
  const fds = () => readdirSync("/proc/self/fd").length;
  const before = fds();
  const sockets: Socket[] = [];
  const closed = Array.from({ length: 500 }, () => {
    const s = connect(Number(port), "127.0.0.1");
    sockets.push(s);
    s.on("error", () => {});
    s.resume(); // read the 408, so the server's close reaches this side
    s.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{");
    const t0 = performance.now();
    return new Promise<number>((r) => s.on("close", () => r(performance.now() - t0)));
  });
  try {
    const normal = tally(await load(p.url, 100, 10, "normal"));
    const closeMs = await Promise.all(closed);
    await sleep(200);
    return {
      slowClients: 500,
      allClosedWithinMs: Math.round(Math.max(...closeMs)),
      normal,
      fdsBefore: before,
      fdsAfter: fds(),
    };
  } finally {
    for (const s of sockets) s.destroy();
    await p.close();
    await up.close();
  }
}

function inflight(p: RunningProxy) {
  const s = p.ctx.router.stats();
  return {
    inFlight: s.inFlightRequests,
    pending: s.pendingRequests,
    proxyInflight: p.ctx.counters.inflight,
  };
}

export { neverReleased, sigtermDrain } from "./chaos-more.js";
export type { FaultUpstream };
