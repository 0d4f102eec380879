/**
 * The median over a bench's rounds, field by field.
 * @module
 */
import type { Measure } from "./report.js";

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Each field the median over the rounds. */
export function medianMeasure(ms: readonly Measure[]): Measure {
  const m = (pick: (x: Measure) => number) => median(ms.map(pick));
  return {
    rps: m((x) => x.rps),
    p50: m((x) => x.p50),
    p99: m((x) => x.p99),
    cpuUs: m((x) => x.cpuUs),
    engineCpuUs: m((x) => x.engineCpuUs),
    clientCpuUs: m((x) => x.clientCpuUs),
    errors: ms.reduce((a, x) => a + x.errors, 0),
    p99Spread: [Math.min(...ms.map((x) => x.p99)), Math.max(...ms.map((x) => x.p99))],
  };
}
