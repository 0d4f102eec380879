/**
 * Watches a router while a run goes on: its `GET /health` counts (programs, reasoning, acting,
 * paused) every few seconds, and a few `GET /programs` snapshots, both kept in the run's directory.
 * Both routers serve these with the same JSON, so their states can be compared afterwards. The
 * machine's load average rides along: on a shared box it tells a slow run from a slow router.
 * @module
 */
import { appendFile, mkdir } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { writeFileAtomic } from "@thunderagent/swebench";

export interface HealthSample {
  /** Unix s. */
  readonly t: number;
  readonly programs: number;
  readonly reasoning: number;
  readonly acting: number;
  readonly paused: number;
  /** The machine's 1-minute load average (other work on the box shows here). */
  readonly load1: number;
}

export interface RouterStateSummary {
  readonly samples: number;
  readonly pausedMean: number;
  readonly pausedMax: number;
  readonly reasoningMean: number;
  readonly actingMean: number;
  readonly load1Mean: number;
}

async function getJson(url: string): Promise<unknown> {
  try {
    const res = await request(url, { headersTimeout: 5_000, bodyTimeout: 10_000 });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return null;
    }
    return await res.body.json();
  } catch {
    return null;
  }
}

const count = (o: Record<string, unknown>, k: string) => (typeof o[k] === "number" ? o[k] : 0);

export class RouterSampler {
  readonly samples: HealthSample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private snapshots = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly dir: string,
    private readonly everyS: number,
    /** Take a /programs snapshot every this many health samples. */
    private readonly snapshotEvery: number,
  ) {}

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const h = await getJson(`${this.baseUrl}/health`);
      if (h && typeof h === "object") {
        const o = h as Record<string, unknown>;
        const s: HealthSample = {
          t: Date.now() / 1000,
          programs: count(o, "programs_count"),
          reasoning: count(o, "reasoning_count"),
          acting: count(o, "acting_count"),
          paused: count(o, "paused_count"),
          load1: loadavg()[0] ?? 0,
        };
        this.samples.push(s);
        await appendFile(join(this.dir, "router-health.jsonl"), `${JSON.stringify(s)}\n`);
        if (this.samples.length % this.snapshotEvery === 1) {
          const p = await getJson(`${this.baseUrl}/programs`);
          if (p !== null) {
            this.snapshots++;
            await writeFileAtomic(
              join(this.dir, `programs-${String(this.snapshots).padStart(2, "0")}.json`),
              `${JSON.stringify({ t: s.t, programs: p })}\n`,
            );
          }
        }
      }
    } finally {
      this.busy = false;
    }
  }

  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.timer = setInterval(() => void this.tick().catch(() => {}), this.everyS * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Means over the samples taken inside [from, to) (Unix s). */
  summary(from: number, to: number): RouterStateSummary {
    const xs = this.samples.filter((s) => s.t >= from && s.t < to);
    const mean = (k: keyof HealthSample) =>
      xs.length ? xs.reduce((a, s) => a + s[k], 0) / xs.length : 0;
    return {
      samples: xs.length,
      pausedMean: mean("paused"),
      pausedMax: xs.reduce((m, s) => Math.max(m, s.paused), 0),
      reasoningMean: mean("reasoning"),
      actingMean: mean("acting"),
      load1Mean: mean("load1"),
    };
  }
}
