/** One warn line per upstream failure, rate-limited, never with a stack (the error at debug). */
import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { LogLimiter } from "../src/reliability/log-limit.js";

function capture(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, log: pino({ level }, sink) };
}

describe("LogLimiter", () => {
  it("lets 5 lines a second through per key, then reports how many it dropped", () => {
    let now = 0;
    const limiter = new LogLimiter(5, () => now);
    const { lines, log } = capture("info");
    for (let i = 0; i < 100; i++)
      limiter.warn(log, "k", { status: 502 }, "request failed", new Error("boom"));
    expect(lines).toHaveLength(5);
    for (const l of lines) {
      expect(l["level"]).toBe(40);
      expect(JSON.stringify(l)).not.toMatch(/stack|boom/);
    }
    now = 1000;
    limiter.warn(log, "k", { status: 502 }, "request failed");
    expect(lines[5]).toMatchObject({ suppressed: 95 });
  });

  it("puts the error with its stack at debug only", () => {
    const limiter = new LogLimiter(5, () => 0);
    const { lines, log } = capture("debug");
    limiter.warn(log, "k", {}, "request failed", new Error("boom"));
    expect(lines.map((l) => l["level"])).toEqual([20, 40]);
    expect(JSON.stringify(lines[0])).toMatch(/stack/);
  });
});
