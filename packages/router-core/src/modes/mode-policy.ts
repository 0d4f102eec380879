/**
 * A scheduling mode (`--router`) as a policy value: how a request's program is admitted, what the
 * mode adds to every tick, what happens to the programs of a backend that went down, and whether
 * the caller must refresh metrics right before each tick. The Router holds the policy of its mode
 * (`RouterState.mode`) and never branches on the mode's name.
 * @module
 */
import type { Program } from "../program.js";
import type { RouterState } from "../router-state.js";
import type { TickResult } from "../types.js";

/** "wait": the request stays pending until a tick or a release lists it in `resumed`. */
export type Admission = "forward" | "wait";

export interface ModePolicy {
  /** One line for the docs. */
  readonly summary: string;
  /** Places the program whose request just arrived (attach it, or pause it) and says if it goes. */
  admit(s: RouterState, p: Program, now: number): Admission;
  /** The mode's pass at the end of every tick (after reclaim, shared credit, forced resumes). */
  tick(s: RouterState, now: number, result: TickResult): void;
  /** One program of a backend that just went down. */
  backendDown(s: RouterState, p: Program, now: number): void;
  /** The caller scrapes every backend right before each tick (the tick reads capacity). */
  readonly freshMetricsBeforeTick: boolean;
  /** `/health`'s `scheduling_enabled`. */
  readonly schedulingEnabled: boolean;
}
