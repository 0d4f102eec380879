/** The runner names the router's dashboard when a ThunderAgent router is in front, else nothing. */
import { startEngineServer } from "@thunderagent/engine-sim";
import { buildApp, createRouter, makeConfig } from "@thunderagent/proxy";
import { afterEach, describe, expect, it } from "vitest";
import { routerDashboardUrl } from "../src/view/dashboard-url.js";

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

describe("routerDashboardUrl", () => {
  it("is <router>/dashboard behind a router (with --api-key too), null for a plain engine", async () => {
    const engine = await startEngineServer({
      instant: true,
      kvTokens: 100_000,
      maxModelLen: 32_768,
      seed: 1,
    });
    closers.push(() => engine.close());
    const config = makeConfig({ backends: [engine.url], port: 0, apiKey: "k" });
    const app = await buildApp({ config, router: createRouter(config), timers: false });
    closers.push(() => app.close());
    const router = await app.listen({ host: "127.0.0.1", port: 0 });

    expect(await routerDashboardUrl(`${router}/v1`)).toBe(`${router}/dashboard`);
    expect(await routerDashboardUrl(`${engine.url}/v1`)).toBeNull();
    expect(await routerDashboardUrl("http://127.0.0.1:1/v1", 500)).toBeNull();
  });
});
