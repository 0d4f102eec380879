import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { runPaced } from "./paced.js";

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A server that answers at once, except request number `stallAt`, which waits `stallMs`. */
async function start(stallAt: number, stallMs: number): Promise<string> {
  let n = 0;
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const delay = ++n === stallAt ? stallMs : 0;
      setTimeout(() => res.end("{}"), delay);
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("open-loop paced load", () => {
  it("sends at the rate asked, whatever the answers", async () => {
    const url = await start(-1, 0);
    const r = await runPaced({ url, connections: 4, rate: 200, durationS: 1, bodyFor: () => "{}" });
    expect(r.errors).toBe(0);
    // Every request due in the second goes out, late if the loop stalls: exactly 200.
    expect(r.total).toBe(200);
  });

  it("counts latency from the due time, so a stall shows in every request it delayed", async () => {
    // One connection, 100 req/s; request 20 is held 300 ms. About 30 requests fall due during
    // the stall and wait behind it: measured from when they were sent, only one would be slow.
    const url = await start(20, 300);
    const r = await runPaced({ url, connections: 1, rate: 100, durationS: 1, bodyFor: () => "{}" });
    const slow = r.latencies.filter((ms) => ms > 100).length;
    expect(slow).toBeGreaterThanOrEqual(15);
    expect(r.latencies[0]!).toBeLessThan(50);
  });
});
