/**
 * Router policy proposals that can be measured without touching router-core, because they only
 * change how a scrape feeds the capacity model. router-core uses the snapshot's kvCacheUsage for
 * exactly one thing, the prefix-sharing credit shared = max(0, reasoning − ⌊usage · capacity⌋),
 * so rewriting the usage a policy would ignore is equivalent to changing that formula. Each one
 * is a candidate RouterOptions field (docs/results/scheduling.md); the default is no rewrite.
 * @module
 */
import type { ScrapeSnapshot } from "./ports.js";

export const SCRAPE_POLICIES = ["none", "no-shared-when-queued"] as const;
export type ScrapePolicy = (typeof SCRAPE_POLICIES)[number];

export function applyScrapePolicy(policy: ScrapePolicy, s: ScrapeSnapshot): ScrapeSnapshot {
  switch (policy) {
    case "none":
      return s;
    case "no-shared-when-queued":
      // While the engine queues requests, reasoning tokens include prompts that hold no KV yet:
      // reasoning − usage·capacity is then unadmitted demand, not prefix sharing. Usage 1 makes the
      // credit max(0, reasoning − capacity): zero unless reasoning alone exceeds the KV.
      return s.numRequestsWaiting > 0 ? { ...s, kvCacheUsage: 1 } : s;
  }
}
