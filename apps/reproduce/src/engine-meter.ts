/**
 * The engines' own count of served LLM calls and the prefix-cache counters, scraped from every
 * engine through the run: the backend type's record (router-core's `BACKEND_TYPES`) says which
 * path and counter (vLLM: `/metrics`, `vllm:request_success_total`, aborts excluded). This is the
 * paper's definition of a step ("served LLM calls") without depending on any client; the baseline
 * is counted from it because the runner records an instance only when it ends, so the instances
 * still running when the window closes would otherwise be missing.
 * @module
 */
import { backendType, type BackendTypeName } from "@thunderagent/router-core";
import { request } from "undici";
import { ReproduceError } from "./errors.js";
import type { WindowCount } from "./window.js";

export interface MeterSample {
  /** Unix seconds. */
  readonly t: number;
  readonly completed: number;
  readonly prefixQueries: number;
  readonly prefixHits: number;
}

/** Sums the counters of one scraped body (vLLM's exposition text by default). */
export function readCounters(text: string, type: BackendTypeName = "vllm"): Omit<MeterSample, "t"> {
  return backendType(type).servedCalls.read(text);
}

/** Where the served calls are counted, as the report cites it: `/metrics vllm:request_success_total`. */
export function servedCallsSource(type: BackendTypeName): string {
  const { path, counter } = backendType(type).servedCalls;
  return `${path} ${counter}`;
}

async function scrape(url: string, type: BackendTypeName): Promise<Omit<MeterSample, "t"> | null> {
  try {
    const { path } = backendType(type).servedCalls;
    const res = await request(`${url}${path}`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return null;
    }
    return readCounters(await res.body.text(), type);
  } catch {
    return null;
  }
}

/**
 * Resolves with the time (Unix s) at which the engines had served their first call, polling every
 * `everyMs`; rejects after `timeoutS`.
 */
export async function firstServedCall(
  urls: readonly string[],
  timeoutS: number,
  type: BackendTypeName = "vllm",
  everyMs = 100,
): Promise<number> {
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const all = await Promise.all(urls.map((u) => scrape(u, type)));
    if (all.some((x) => x !== null && x.completed > 0)) return Date.now() / 1000;
    if (Date.now() > deadline) {
      throw new ReproduceError(
        "no_served_call",
        `no LLM call was served within ${timeoutS} s of starting the runner`,
      );
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Scrapes all engines every `everyS` seconds until stopped; a failed scrape is skipped. */
export class EngineMeter {
  readonly samples: MeterSample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly urls: readonly string[],
    private readonly everyS: number,
    private readonly type: BackendTypeName = "vllm",
  ) {}

  async sample(): Promise<void> {
    const t = Date.now() / 1000;
    const all = await Promise.all(this.urls.map((u) => scrape(u, this.type)));
    if (all.some((x) => x === null)) return;
    const sum = (k: keyof Omit<MeterSample, "t">) =>
      all.reduce((acc, x) => acc + (x as Omit<MeterSample, "t">)[k], 0);
    this.samples.push({
      t,
      completed: sum("completed"),
      prefixQueries: sum("prefixQueries"),
      prefixHits: sum("prefixHits"),
    });
  }

  start(): void {
    const tick = () => {
      this.inFlight ??= this.sample().finally(() => {
        this.inFlight = null;
      });
    };
    tick();
    this.timer = setInterval(tick, this.everyS * 1000);
    this.timer.unref();
  }

  /** Takes a last sample (while the engines still run) and stops. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
    await this.sample();
  }
}

/** A counter's value at time t, linear between the samples around it (null outside them). */
function valueAt(
  samples: readonly MeterSample[],
  t: number,
  key: keyof Omit<MeterSample, "t">,
): number | null {
  if (samples.length === 0) return null;
  const first = samples[0] as MeterSample;
  const last = samples[samples.length - 1] as MeterSample;
  if (t < first.t) return first.t - t < 1e-9 ? first[key] : null;
  if (t >= last.t) return last[key];
  for (let i = 1; i < samples.length; i++) {
    const b = samples[i] as MeterSample;
    if (b.t >= t) {
      const a = samples[i - 1] as MeterSample;
      const f = b.t === a.t ? 1 : (t - a.t) / (b.t - a.t);
      return a[key] + f * (b[key] - a[key]);
    }
  }
  return last[key];
}

/**
 * Steps/min from the meter's samples, in the same shape as countWindow. Null when the samples do
 * not cover the window (an engine without /metrics, or a run that ended early).
 */
export function countFromMeter(
  samples: readonly MeterSample[],
  startedAt: number,
  window: { readonly startMin: number; readonly endMin: number },
  minuteS: number,
): WindowCount | null {
  if (samples.length < 2) return null;
  const at = (min: number, key: keyof Omit<MeterSample, "t">) =>
    valueAt(samples, startedAt + min * minuteS, key);
  const a = at(window.startMin, "completed");
  const last = samples[samples.length - 1] as MeterSample;
  if (a === null || last.t < startedAt + window.endMin * minuteS - minuteS * 0.05) return null;
  const b = at(window.endMin, "completed") as number;
  const stepsCounted = Math.round(b - a);
  const lastMinute = Math.floor((last.t - startedAt) / minuteS);
  const series: number[] = [];
  for (let m = 0; m < Math.max(lastMinute, Math.ceil(window.endMin)); m++) {
    const x = at(m, "completed") ?? 0;
    const y = at(m + 1, "completed") ?? x;
    series.push(Math.max(0, Math.round(y) - Math.round(x)));
  }
  const q = (at(window.endMin, "prefixQueries") ?? 0) - (at(window.startMin, "prefixQueries") ?? 0);
  const h = (at(window.endMin, "prefixHits") ?? 0) - (at(window.startMin, "prefixHits") ?? 0);
  return {
    stepsCounted,
    stepsPerMin: stepsCounted / (window.endMin - window.startMin),
    totalSteps: Math.round(last.completed - (samples[0] as MeterSample).completed),
    series,
    kvHitRate: q > 0 ? Math.min(1, Math.max(0, h / q)) : null,
  };
}
