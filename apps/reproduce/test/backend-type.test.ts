// reproduce's --backend-type: router-core's registry names, passed to the proxy and the meter.
import { BACKEND_TYPE_NAMES } from "@thunderagent/router-core";
import { describe, expect, it } from "vitest";
import { parseOptions, UsageError } from "../src/options.js";
import { buildPlan } from "../src/plan.js";
import { PlanError, type PlanFacts } from "../src/plan-types.js";

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

describe("reproduce --backend-type", () => {
  it("defaults to vllm, in the plan and the proxy's flags", () => {
    const plan = buildPlan(options(["glm4.6", "--simulate"]), facts);
    expect(plan.backendType).toBe("vllm");
    const args = plan.systems[0]?.proxy?.args ?? [];
    expect(args[args.indexOf("--backend-type") + 1]).toBe("vllm");
  });

  it.each(BACKEND_TYPE_NAMES)("passes %s on to the proxy with --backends", (name) => {
    const o = options(["glm4.6", "--backends", "http://gpu0:8000", "--backend-type", name]);
    const plan = buildPlan(o, facts);
    expect(plan.backendType).toBe(name);
    const args = plan.systems[0]?.proxy?.args ?? [];
    expect(args[args.indexOf("--backend-type") + 1]).toBe(name);
  });

  it("rejects a name that is not registered", () => {
    expect(() => options(["glm4.6", "--backend-type", "trtllm"])).toThrow(UsageError);
  });

  it("needs --backends for anything but vllm (the launched engines are vLLM)", () => {
    const o = options(["glm4.6", "--simulate", "--backend-type", "sglang"]);
    expect(() => buildPlan(o, facts)).toThrow(PlanError);
  });
});
