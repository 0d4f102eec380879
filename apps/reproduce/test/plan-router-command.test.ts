// buildPlan's routerCommand extension: another router for the thunderagent system, everything else
// of the plan unchanged.
import { describe, expect, it } from "vitest";
import { parseOptions } from "../src/options.js";
import { buildPlan } from "../src/plan.js";
import type { PlanFacts, RouterLaunch } from "../src/plan-types.js";

const facts: PlanFacts = {
  root: "/repo",
  cwd: "/work",
  execPath: "/usr/bin/node",
  hfCli: null,
  hfHome: undefined,
  gpuSets: null,
  runId: "run1",
};

function options(argv: string[]) {
  const o = parseOptions(argv);
  if (o === "help") throw new Error("help");
  return o;
}

describe("buildPlan(…, { routerCommand })", () => {
  it("replaces the proxy's command and gets the run's address, engines, profile dir and scaled intervals", () => {
    const seen: RouterLaunch[] = [];
    const o = options(["glm4.6", "--simulate", "--time-scale", "0.02", "--proxy-port", "9000"]);
    const plain = buildPlan(o, facts);
    const custom = buildPlan(o, facts, {
      routerCommand: (launch) => {
        seen.push(launch);
        return {
          name: "other-router",
          command: "/bin/sh",
          args: ["-c", "run it"],
          env: { A: "1" },
        };
      },
    });
    expect(seen).toEqual([
      {
        host: "127.0.0.1",
        port: 9000,
        backends: ["http://127.0.0.1:8100"],
        profileDir: "/work/logs/router_metrics/run1",
        router: "tr",
        backendType: "vllm",
        schedulerIntervalS: 0.1,
        metricsIntervalS: 0.1,
        timeScale: 0.02,
      },
    ]);
    const proxy = custom.systems[0]?.proxy;
    expect(proxy).toMatchObject({
      name: "other-router",
      role: "proxy",
      command: "/bin/sh",
      args: ["-c", "run it"],
      env: { A: "1" },
      health: { url: "http://127.0.0.1:9000/health" },
    });
    // The rest of the plan is the plain one.
    expect(custom.systems[0]?.engines).toEqual(plain.systems[0]?.engines);
    expect(custom.systems[0]?.runners).toEqual(plain.systems[0]?.runners);
    expect(custom.systems[0]?.stepSource).toEqual(plain.systems[0]?.stepSource);
    expect(plain.systems[0]?.proxy?.name).toBe("proxy");
  });

  it("real runs: intervals left to the router unless --scheduler-interval is given", () => {
    const seen: RouterLaunch[] = [];
    const ext = {
      routerCommand: (l: RouterLaunch) => {
        seen.push(l);
        return { command: "x", args: [] };
      },
    };
    buildPlan(options(["glm4.6", "--backends", "http://h:1"]), facts, ext);
    buildPlan(
      options(["glm4.6", "--backends", "http://h:1", "--scheduler-interval", "2"]),
      facts,
      ext,
    );
    expect(seen.map((l) => [l.schedulerIntervalS, l.metricsIntervalS, l.timeScale])).toEqual([
      [null, null, null],
      [2, null, null],
    ]);
  });
});
