/**
 * The scheduling modes, one line each (docs/extending.md, "A new router mode"). The names are
 * protocol's `RouterMode` (`/health` reports them); `satisfies` makes the two agree.
 * @module
 */
import type { RouterMode } from "@thunderagent/protocol";
import { defaultMode } from "./default-mode.js";
import { RouterCoreError } from "../errors.js";
import type { ModePolicy } from "./mode-policy.js";
import { trMode } from "./tr-mode.js";

export const ROUTER_MODE_POLICIES = {
  default: defaultMode,
  tr: trMode,
} as const satisfies Record<RouterMode, ModePolicy>;

/** The mode's policy; throws on a name that is not registered (a caller without the types). */
export function routerModePolicy(mode: RouterMode): ModePolicy {
  if (!Object.hasOwn(ROUTER_MODE_POLICIES, mode)) {
    throw new RouterCoreError("unknown_mode", `router-core: unknown router mode ${String(mode)}`);
  }
  return ROUTER_MODE_POLICIES[mode];
}
