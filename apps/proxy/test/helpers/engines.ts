/** engine-sim backends for the tests, and what they report. */
import { startEngineServer, type StartedEngineServer } from "@thunderagent/engine-sim";
import { request } from "undici";

export type Engine = StartedEngineServer;

export function startEngine(
  opts: { kvTokens?: number; instant?: boolean; timeScale?: number; port?: number } = {},
): Promise<Engine> {
  const kvTokens = opts.kvTokens ?? 200_000;
  return startEngineServer({
    instant: opts.instant ?? true,
    kvTokens,
    maxModelLen: Math.min(32_768, kvTokens - 64),
    ...(opts.timeScale !== undefined ? { timeScale: opts.timeScale } : {}),
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    seed: 7,
  });
}

export interface Received {
  url: string;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

/** What the engine received (its GET /debug/last-requests), chat requests only. */
export async function lastRequests(engine: { url: string }): Promise<Received[]> {
  const res = await request(`${engine.url}/debug/last-requests`);
  const body = (await res.body.json()) as { requests: Received[] };
  return body.requests.filter((r) => r.url === "/v1/chat/completions");
}

/** A sample of the engine's /metrics, by exact name and a label subset. */
export async function engineMetric(
  engine: { url: string },
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await request(`${engine.url}/metrics`)).body.text();
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

export const MODEL = "zai-org/GLM-4.6-FP8";
