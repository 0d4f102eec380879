import type { EngineConfig, EngineEvent, EngineModel, EngineRequest } from "../src/index.js";

export const TIMING = {
  prefillBaseUs: 10,
  prefillPerKUs: 1.4,
  decodeBaseMs: 20,
  decodePerSeqMs: 0.18,
  decodePerMTokMs: 10,
};

export function smallConfig(overrides: Partial<EngineConfig> = {}): EngineConfig {
  return {
    numGpuBlocks: 65,
    blockSize: 16,
    maxNumBatchedTokens: 8192,
    maxNumSeqs: 1024,
    maxModelLen: 4096,
    timing: TIMING,
    continuum: null,
    ...overrides,
  };
}

/** Tokens [base, base+n) as ids: distinct bases give disjoint prompts. */
export function tokens(n: number, base = 1000): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = base + i;
  return a;
}

export function concat(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export function req(
  id: string,
  promptTokens: Uint32Array,
  outputTokens = 1,
  extra: Partial<EngineRequest> = {},
): EngineRequest {
  return { id, promptTokens, maxTokens: 2048, outputTokens, ...extra };
}

/** Steps until idle; returns every event and the final virtual time. */
export function runUntilIdle(
  model: EngineModel,
  now = 0,
  maxSteps = 100_000,
): { events: EngineEvent[]; now: number } {
  const events: EngineEvent[] = [];
  let steps = 0;
  while (model.hasWork()) {
    const r = model.step(now);
    events.push(...r.events);
    now += r.durationS;
    if (++steps > maxSteps) throw new Error("engine did not go idle");
  }
  return { events, now };
}

export function finished(events: EngineEvent[], id: string) {
  const e = events.find((x) => x.type === "finished" && x.id === id);
  if (!e || e.type !== "finished") throw new Error(`no finished event for ${id}`);
  return e;
}
