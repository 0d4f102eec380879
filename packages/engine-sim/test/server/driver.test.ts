import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EngineDriver, EngineModel, type EngineEvent } from "../../src/index.js";
import { req, smallConfig, tokens } from "../helpers.js";

describe("EngineDriver (real time vs simulated time)", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("releases each step's events at its simulated end time × time scale, and idles without timers", async () => {
    const model = new EngineModel(smallConfig({ numGpuBlocks: 200 }));
    const clock = () => performance.now() / 1000;
    const driver = new EngineDriver(model, { timeScale: 0.5, instant: false, clock });
    const seen: Array<{ e: EngineEvent; at: number }> = [];
    driver.submit(req("a", tokens(1000), 3), (e) => seen.push({ e, at: clock() }));
    // step 1 (prefill of 1000 tokens): 20 ms + 10.7 ms simulated → 15.35 ms real at scale 0.5
    await vi.advanceTimersByTimeAsync(15);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.map((x) => x.e.type)).toEqual(["scheduled", "first_token", "token"]);
    await vi.advanceTimersByTimeAsync(100);
    expect(seen.at(-1)!.e).toMatchObject({ type: "finished", reason: "stop", completionTokens: 3 });
    const finishedAt = seen.at(-1)!.at;
    // two decode steps of 20.18+ ms simulated each after the prefill: ≈ (30.7 + 40.4) × 0.5 ms
    expect(finishedAt * 1000).toBeGreaterThan(35);
    expect(finishedAt * 1000).toBeLessThan(39); // ≤ 1 ms timer rounding per step
    expect(vi.getTimerCount()).toBe(0);
    driver.close();
  });

  it("instant mode runs steps back to back without waiting", async () => {
    const model = new EngineModel(smallConfig());
    const driver = new EngineDriver(model, { timeScale: 1, instant: true });
    const done = new Promise<EngineEvent>((resolve) =>
      driver.submit(req("a", tokens(50), 10), (e) => {
        if (e.type === "finished") resolve(e);
      }),
    );
    await vi.runAllTimersAsync();
    await expect(done).resolves.toMatchObject({ completionTokens: 10 });
    expect(driver.simNow()).toBeGreaterThan(0.2); // 10 steps of ≥ 20 ms of simulated time
    driver.close();
  });
});
