/**
 * `--router default`: no scheduling. Every request goes out at once, to its program's backend
 * (the least loaded by program count when it has none or that one is down); ticks only reclaim and
 * force-resume; a down backend's programs are re-assigned at their next request.
 * @module
 */
import type { ModePolicy } from "./mode-policy.js";

export const defaultMode: ModePolicy = {
  summary: "no scheduling: forward at once, least-loaded placement",
  admit(s, p) {
    const current = p.backend !== null ? s.backends.get(p.backend) : undefined;
    if (!current || !current.healthy) s.attach(p, s.leastLoadedByCount());
    if (p.state === "paused") {
      s.queue.delete(p);
      p.state = "active";
    }
    return "forward";
  },
  tick() {},
  backendDown(s, p) {
    s.detach(p);
  },
  freshMetricsBeforeTick: false,
  schedulingEnabled: false,
};
