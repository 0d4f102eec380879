/**
 * Attained service (`restoreOrder: "least-service"`): each program accumulates the seconds its
 * requests spent in the engine (from forwarded, else released from waiting, else arrival, to
 * the end of the request, completed or failed). With "least-service" the restore pass orders a
 * priority group by that, least first (least-attained-service, as Autellix's program-level
 * scheduling), instead of smallest first ("current") or the original's smallest-at-pause
 * ("at-pause").
 * @module
 */
import type { Program, RequestRecord } from "../program.js";
import { TOKEN_KEY_MAX } from "../sort-keys.js";

/** Adds the engine time of `rec`, ending at `now`, to its program. */
export function recordService(p: Program, rec: RequestRecord, now: number): void {
  const start = rec.forwardedAt ?? rec.resumedAt ?? rec.arrivedAt;
  const dt = now - start;
  if (dt > 0 && Number.isFinite(dt)) p.serviceS += dt;
}

/** Sort key: attained service in whole milliseconds (ties beyond ~12 days). */
export function serviceKey(p: Program): number {
  return Math.min(TOKEN_KEY_MAX, Math.floor(p.serviceS * 1000));
}
