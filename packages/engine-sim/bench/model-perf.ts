/**
 * Speed of the pure engine model: N closed-loop agents whose contexts grow by appending
 * (≈1.6–2.4K-token start, +50–650 tokens of output and observation per step, 1–4 s of tool time),
 * for 70 simulated minutes on the glm4.6 profile. Reports CPU seconds and what the engine did.
 *
 *   node --conditions=@thunderagent/source --import tsx packages/engine-sim/bench/model-perf.ts [N…]
 */
import { ENGINE_PROFILES, EngineModel } from "../src/index.js";

function run(n: number) {
  const m = new EngineModel({ ...ENGINE_PROFILES["glm4.6"] });
  let seed = 12345;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  let uid = 1_000;
  interface Agent {
    ctx: Uint32Array;
    step: number;
    steps: number;
    nextAt: number;
    busy: boolean;
  }
  const fresh = (): Agent => {
    const len = 1600 + Math.floor(rand() * 800);
    const ctx = new Uint32Array(len);
    for (let i = 0; i < len; i++) ctx[i] = uid++;
    return { ctx, step: 0, steps: 20 + Math.floor(rand() * 60), nextAt: 0, busy: false };
  };
  const agents = Array.from({ length: n }, fresh);
  const owner = new Map<string, number>();
  let now = 0;
  let done = 0;
  let rq = 0;
  const cpu0 = process.cpuUsage();
  while (now < 4200) {
    for (let a = 0; a < n; a++) {
      const ag = agents[a]!;
      if (ag.busy || ag.nextAt > now) continue;
      const id = `r${rq++}`;
      owner.set(id, a);
      ag.busy = true;
      m.addRequest(
        {
          id,
          promptTokens: ag.ctx,
          maxTokens: 2048,
          outputTokens: 50 + Math.floor(rand() * 500),
          programId: String(a),
        },
        now,
      );
    }
    if (!m.hasWork()) {
      now += 0.1;
      continue;
    }
    const r = m.step(now);
    now += r.durationS;
    for (const e of r.events) {
      if (e.type !== "finished") continue;
      const a = owner.get(e.id)!;
      owner.delete(e.id);
      const ag = agents[a]!;
      done++;
      ag.busy = false;
      ag.step++;
      const grow = e.completionTokens + 50 + Math.floor(rand() * 600);
      const next = new Uint32Array(ag.ctx.length + grow);
      next.set(ag.ctx);
      for (let i = ag.ctx.length; i < next.length; i++) next[i] = uid++;
      ag.ctx = next;
      ag.nextAt = now + 1 + rand() * 3;
      if (ag.step >= ag.steps || ag.ctx.length > 100_000) agents[a] = fresh();
    }
  }
  const cpu = process.cpuUsage(cpu0);
  const s = m.snapshot();
  return {
    agents: n,
    cpuS: (cpu.user + cpu.system) / 1e6,
    engineSteps: s.steps,
    requests: done,
    hitRate: s.prefixCacheHits / s.prefixCacheQueries,
    preemptions: s.preemptions,
  };
}

const levels = process.argv.slice(2).map(Number);
console.log(
  "| agents | CPU s for 70 simulated min | engine steps | requests | hit rate | preemptions |",
);
console.log("|---|---|---|---|---|---|");
for (const n of levels.length > 0 ? levels : [48, 96]) {
  const r = run(n);
  console.log(
    `| ${r.agents} | ${r.cpuS.toFixed(1)} | ${r.engineSteps} | ${r.requests} | ${(100 * r.hitRate).toFixed(1)}% | ${r.preemptions} |`,
  );
}
