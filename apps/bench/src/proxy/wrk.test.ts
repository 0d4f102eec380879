import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWrk, wrkAvailable, wrkScript } from "./wrk.js";

describe("wrk load", () => {
  it("quotes bodies so that no body can end the Lua string early", () => {
    const script = wrkScript("/v1/chat/completions", ['{"a":"]]"}', '{"b":"]=]"}']);
    expect(script).toContain('[=[{"a":"]]"}]=]');
    expect(script).toContain('[==[{"b":"]=]"}]==]');
    expect(script).toContain("function done(summary, latency, requests)");
  });

  // wrk is installed by .ci/run; elsewhere this part needs `apt-get install wrk`.
  describe.runIf(wrkAvailable() || process.env["CI"] !== undefined)("against a server", () => {
    let server: Server;
    let url = "";
    const bodies: string[] = [];
    let served = 0;
    beforeAll(async () => {
      server = createServer((req, res) => {
        const parts: Buffer[] = [];
        req.on("data", (c: Buffer) => parts.push(c));
        req.on("end", () => {
          if (bodies.length < 1000) bodies.push(Buffer.concat(parts).toString("utf8"));
          res.statusCode = ++served % 10 === 0 ? 500 : 200;
          res.end("{}");
        });
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it("sends each connection's body and counts 2xx answers and errors apart", async () => {
      const r = await runWrk({
        url,
        connections: 4,
        durationS: 1,
        bodyFor: (i) => JSON.stringify({ program_id: `p-${i}` }),
      });
      expect(r.total).toBeGreaterThan(50);
      expect(r.errors).toBeGreaterThan(0);
      // One answer in ten is a 500: wrk counts it as an error, not as a served request.
      expect(r.errors / (r.total + r.errors)).toBeGreaterThan(0.05);
      expect(r.errors / (r.total + r.errors)).toBeLessThan(0.15);
      expect(r.p50).toBeGreaterThan(0);
      expect(r.p99).toBeGreaterThanOrEqual(r.p50);
      expect(new Set(bodies)).toEqual(
        new Set(["p-0", "p-1", "p-2", "p-3"].map((p) => JSON.stringify({ program_id: p }))),
      );
    });
  });
});
