import { RouterMode } from "@thunderagent/protocol";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_ROUTER_OPTIONS,
  ROUTER_MODE_POLICIES,
  Router,
  routerModePolicy,
} from "../src/index.js";
import { A, B } from "./helpers.js";

describe("the router-mode registry", () => {
  it("has exactly protocol's RouterMode names", () => {
    expect(Object.keys(ROUTER_MODE_POLICIES).sort()).toEqual([...RouterMode.options].sort());
  });

  it("rejects a mode that is not registered", () => {
    expect(() => routerModePolicy("fifo" as never)).toThrow(/unknown router mode/);
    expect(() => new Router({ ...DEFAULT_ROUTER_OPTIONS, mode: "fifo" as never }, [A])).toThrow();
  });

  describe.each(RouterMode.options)("%s", (mode) => {
    const policy = routerModePolicy(mode);

    it("is a complete record", () => {
      expect(policy.summary).toMatch(/\S/);
      for (const f of [policy.admit, policy.tick, policy.backendDown]) {
        expect(typeof f).toBe("function");
      }
      expect(typeof policy.freshMetricsBeforeTick).toBe("boolean");
      expect(typeof policy.schedulingEnabled).toBe("boolean");
    });

    it("drives a Router through admit, tick, backend down and /health", () => {
      const r = new Router({ ...DEFAULT_ROUTER_OPTIONS, mode }, [A, B]);
      const d = r.arrive({ requestId: "r1", programId: "p1", payloadChars: 100 }, 0);
      expect(["forward", "wait"]).toContain(d.kind);
      expect(() => r.tick(1)).not.toThrow();
      r.setBackendHealth(A, false, 2);
      r.setBackendHealth(B, false, 2);
      expect(() => r.tick(3)).not.toThrow();
      const health = r.healthView();
      expect(health.router_mode).toBe(mode);
      expect(health.scheduling_enabled).toBe(policy.schedulingEnabled);
    });
  });

  it("keeps each mode's behaviour: tr schedules and scrapes first, default does neither", () => {
    expect(ROUTER_MODE_POLICIES.tr).toMatchObject({
      freshMetricsBeforeTick: true,
      schedulingEnabled: true,
    });
    expect(ROUTER_MODE_POLICIES.default).toMatchObject({
      freshMetricsBeforeTick: false,
      schedulingEnabled: false,
    });
  });
});
