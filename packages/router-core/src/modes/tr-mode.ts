/**
 * `--router tr`: ThunderAgent's program-aware scheduling. A new program goes straight in only when
 * nobody waits and some backend has room, else it is paused; a paused program's requests wait;
 * every tick restores paused programs, then pauses/marks on backends over capacity; a down
 * backend's programs move to the paused queue at once. Ticks read capacity, so the caller scrapes
 * first.
 * @module
 */
import { guardWaits } from "../policy/wait-guard.js";
import { restorePaused } from "../restore-pass.js";
import { pauseOverCapacity } from "../tick.js";
import type { ModePolicy } from "./mode-policy.js";

export const trMode: ModePolicy = {
  summary: "program-aware scheduling: admit by capacity, pause and restore whole programs",
  admit(s, p, now) {
    if (p.state === "paused") return "wait";
    if (p.backend === null) {
      // A new program: straight in only when nobody waits and some backend has room.
      const url = s.queue.size === 0 ? s.admissionBackend(p.totalTokens) : null;
      if (url === null) {
        s.pause(p, now);
        return "wait";
      }
      s.attach(p, url);
      p.residentSince = now;
    }
    return "forward";
  },
  tick(s, now, result) {
    const held = guardWaits(s, now, result);
    restorePaused(s, now, result, held);
    pauseOverCapacity(s, now, result);
  },
  backendDown(s, p, now) {
    s.pause(p, now);
  },
  freshMetricsBeforeTick: true,
  schedulingEnabled: true,
};
