// Backend URLs as clients are configured with them (the OpenAI base URL, ending in /v1): the proxy
// cuts them to the server root, so completions go to /v1/... once (not /v1/v1/...) and /health,
// /metrics and SGLang's /get_server_info are read at the root.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { HealthResponse } from "@thunderagent/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, makeConfig } from "../src/config.js";
import { lastRequests, MODEL, startEngine } from "./helpers/engines.js";
import { buildProxy } from "./helpers/harness.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

describe("backend URLs with a /v1 suffix", () => {
  it("are cut to the server root; other paths are refused", () => {
    const cfg = makeConfig({
      backends: "http://gpu0:8000/v1, http://gpu1:8000/v1/,http://gpu2:8000/",
    });
    expect(cfg.backends).toEqual(["http://gpu0:8000", "http://gpu1:8000", "http://gpu2:8000"]);
    expect(() => makeConfig({ backends: ["http://gpu0:8000/serve"] })).toThrow(ConfigError);
    expect(() => makeConfig({ backends: ["http://gpu0:8000/v1", "http://gpu0:8000"] })).toThrow(
      /distinct/,
    );
  });

  it("serve completions in front of engine-sim", async () => {
    const engine = await startEngine();
    closers.push(() => engine.close());
    const proxy = await buildProxy({ backends: [`${engine.url}/v1`], router: "tr", metrics: true });
    closers.push(() => proxy.close());
    const res = await proxy.app.inject({
      method: "POST",
      url: "/v1/chat/completions",
      payload: {
        model: MODEL,
        max_tokens: 4,
        program_id: "p",
        messages: [{ role: "user", content: "hi" }],
      },
    });
    expect(res.statusCode).toBe(200);
    expect(await lastRequests(engine)).toHaveLength(1);
    const health = HealthResponse.parse((await proxy.app.inject({ url: "/health" })).json());
    expect(health.backends).toEqual([engine.url]);
    // Capacity came from the engine's root /metrics.
    expect(proxy.ctx.router.stats().backends[0]?.capacity).toBeGreaterThan(0);
  });

  it("SGLang's /metrics and /get_server_info are read at the root", async () => {
    const asked: string[] = [];
    const server = createServer((req, res) => {
      asked.push(req.url ?? "");
      res.statusCode = 404;
      res.end("not found");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    closers.push(() => new Promise((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const proxy = await buildProxy({ backends: [`${url}/v1`], backendType: "sglang" });
    closers.push(() => proxy.close());
    await proxy.ctx.monitor.scrapeAll();
    expect(asked).toContain("/metrics");
    expect(asked).toContain("/health");
    expect(asked.filter((p) => p.startsWith("/v1"))).toEqual([]);
    expect(asked).toContain("/get_server_info");
  });
});
