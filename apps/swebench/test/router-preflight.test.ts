/**
 * The start-up check of a ThunderAgent router in front: a real proxy over engine-sim passes; a
 * router whose /health says it is unavailable (a tiny stand-in: the failure case) is one line
 * and no run; a plain server without a router's /health is left to the model check.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startEngineServer } from "@thunderagent/engine-sim";
import { proxyInFront } from "./helpers/servers.js";
import { afterEach, describe, expect, it } from "vitest";
import { preflight, resolveConfig } from "../src/index.js";

const MODEL = "zai-org/GLM-4.6-FP8";
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** /v1/models lists the model; /health answers `health` (404 when null). */
async function standIn(health: unknown): Promise<string> {
  const server: Server = createServer((req, res) => {
    if (req.url === "/v1/models") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ object: "list", data: [{ id: MODEL, object: "model" }] }));
    } else if (req.url === "/health" && health !== null) {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(health));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

const configFor = (baseUrl: string) =>
  resolveConfig(["swebench.yaml"], { baseUrl, environmentClass: "local" });

describe("start-up check of the router's /health", () => {
  it("a real proxy in front of engine-sim passes", async () => {
    const e = await startEngineServer({ timeScale: 0.01, maxModelLen: 131072 });
    closers.push(() => e.close());
    const proxyUrl = await proxyInFront(closers, e.url);
    await expect(preflight(configFor(`${proxyUrl}/v1`))).resolves.toBeUndefined();
  }, 60_000);

  it("a router reporting itself unavailable: refused, naming it and its backends", async () => {
    const url = await standIn({
      status: "unavailable",
      router_mode: "tr",
      backends: ["http://10.0.0.1:8000"],
      healthy_backends: 0,
    });
    await expect(preflight(configFor(url))).rejects.toThrow(
      /the router at http:\/\/127\.0\.0\.1:\d+\/health reports status unavailable \(0 of 1 backends healthy: http:\/\/10\.0\.0\.1:8000\)/,
    );
  });

  it("no router /health (a plain vLLM-like server): the model check alone decides", async () => {
    await expect(preflight(configFor(await standIn(null)))).resolves.toBeUndefined();
    await expect(preflight(configFor(await standIn("")))).resolves.toBeUndefined();
  });
});
