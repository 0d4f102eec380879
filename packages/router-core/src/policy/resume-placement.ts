/**
 * Where the restore pass puts a paused program (`resumePlacement`, `resumeMoveAfterS`,
 * `resumeMoveHeadroom`).
 *
 * - "best-fit" (the original): the backend with the most room, wherever the program ran before.
 * - "origin-first": the backend it was paused from (its origin, which still holds its prefix
 *   cache) when its need fits there. Otherwise it moves to the roomiest backend only when it has
 *   waited `resumeMoveAfterS` seconds since its pause, or when that backend's room is at least
 *   `resumeMoveHeadroom` × its need; else it stays paused for this pass. A program without an
 *   origin (new) or whose origin is unhealthy is placed best-fit. The pass places in two rounds
 *   (restore-policy.ts, `homeOf`): first everyone whose need fits their origin, then the others,
 *   so a program that moves never takes the room another one's origin had for it.
 *
 * Evidence: in an independent 4-replica study, best fit moved ~70 % of resumed programs to
 * another pod, and resuming on the origin gave 1.24× throughput. `migrations` counts resumes onto
 * another backend, `originResumes` resumes onto the origin (RouterStats).
 * @module
 */
import type { Program } from "../program.js";
import type { RoomChooser } from "../restore-policy.js";

export type ResumePlacement = "best-fit" | "origin-first";
export const RESUME_PLACEMENTS: readonly ResumePlacement[] = ["best-fit", "origin-first"];

export interface OriginFirstParams {
  now: number;
  moveAfterS: number | null;
  moveHeadroom: number | null;
  /** Whether a backend can serve at all (healthy); an unusable origin does not hold anyone. */
  usable: (url: string) => boolean;
}

export function originFirstChooser(o: OriginFirstParams): RoomChooser<Program> {
  return (p, open, roomiest, need) => {
    const bestFit = need <= open[roomiest]!.remaining ? roomiest : -1;
    const origin = p.originBackend;
    if (origin === null || !o.usable(origin)) return bestFit;
    const at = open.findIndex((r) => r.url === origin);
    if (at >= 0 && need <= open[at]!.remaining) return at;
    if (bestFit < 0) return -1;
    const waited = p.pausedAt !== null ? o.now - p.pausedAt : 0;
    if (o.moveAfterS !== null && waited >= o.moveAfterS) return bestFit;
    if (o.moveHeadroom !== null && open[bestFit]!.remaining >= o.moveHeadroom * need) {
      return bestFit;
    }
    return -1;
  };
}
