// The servers the runner's end-to-end tests talk to: engine-sim with a scripted coding agent,
// and the real proxy in front of an engine. Each registers its close in the caller's `closers`.
import { type StartedEngineServer, startEngineServer } from "@thunderagent/engine-sim";
import { buildApp, createRouter, makeConfig } from "@thunderagent/proxy";

export type Closers = Array<() => Promise<void>>;

/** engine-sim running a scripted program of 3–8 steps per instance, at `timeScale`. */
export async function scriptedEngine(
  closers: Closers,
  timeScale = 0.01,
): Promise<StartedEngineServer> {
  const e = await startEngineServer({
    timeScale,
    enablePromptTokensDetails: true,
    maxModelLen: 131072,
    scripted: {
      seed: 7,
      steps: { median: 4, p90: 6, min: 3, max: 8 },
      outputTokens: { median: 60, p90: 200, min: 24, max: 400 },
    },
  });
  closers.push(() => e.close());
  return e;
}

/** The proxy (router `tr`, metrics every second) in front of `engineUrl`; its URL. */
export async function proxyInFront(closers: Closers, engineUrl: string): Promise<string> {
  const config = makeConfig({
    host: "127.0.0.1",
    port: 0,
    backends: [engineUrl],
    metricsInterval: 1,
  });
  const app = await buildApp({ config, router: createRouter(config) });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  closers.push(() => app.close());
  return url;
}
