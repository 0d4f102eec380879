/**
 * router-core's `RouterOptions` as a scenario file may override them (zod, strict: an unknown
 * option is an error naming it). `mode` and `profile` are not here: the system's kind sets the
 * mode and the simulation does not profile.
 * @module
 */
import type { RouterOptions } from "@thunderagent/router-core";
import { z } from "zod";

const nonNeg = z.number().min(0);
const pos = z.number().positive();
const share = z.number().min(0).max(1);

export const RouterOptionsOverrides = z
  .object({
    actingTokenWeight: nonNeg,
    useActingTokenDecay: z.boolean(),
    actingDecayBase: pos,
    bufferPerProgram: z.number().int().min(0),
    forceResumeAfterS: pos,
    abandonAfterS: pos,
    initialCharsPerToken: pos,
    streamUpdateEveryChunks: z.number().int().min(1),
    sharedCredit: z.enum(["always", "unless-queued", "never"]),
    markReasoning: z.enum(["until-fits", "all"]),
    payloadChars: z.enum(["body", "python-json"]),
    capacityFrom: z.enum(["every-scrape", "first-scrape", "first-attempt"]),
    futurePausedTokens: z.enum(["marked-sum", "original"]),
    releasedRequestsTo: z.enum(["least-loaded", "first"]),
    forceResumeTo: z.enum(["least-loaded", "origin"]),
    restoreOrder: z.enum(["current", "at-pause", "least-service"]),
    actingDecay: z.enum(["weighted", "original"]),
    pauseTies: z.enum(["registration", "creation"]),
    unknownCapacity: z.enum(["unbounded", "no-restores"]),
    // Scheduling policy v2 (router-core README, "Policy options").
    resumePlacement: z.enum(["best-fit", "origin-first"]),
    resumeMoveAfterS: nonNeg.nullable(),
    resumeMoveHeadroom: pos.nullable(),
    restoreBoostAfterS: nonNeg.nullable(),
    waitGuardAfterS: nonNeg.nullable(),
    waitGuardQuantumS: nonNeg,
    actingLeaseS: nonNeg.nullable(),
    actingLeaseToolFactor: pos.nullable(),
    kvUsageSmoothingS: pos.nullable(),
    kvHighWatermark: share.nullable(),
    kvPauseTarget: share.nullable(),
    kvLowWatermark: share.nullable(),
    gateQueuedBackends: z.boolean(),
    tokenEstimate: z.enum(["global", "per-program"]),
    restoreNeed: z.enum(["tokens", "next-step"]),
    victimPenalty: nonNeg,
    victimMemoryS: pos,
  })
  .partial()
  .strict();

export type RouterOptionsOverrides = z.infer<typeof RouterOptionsOverrides>;

/** Compile-time check: the fields here are exactly RouterOptions' (but mode and profile), same types. */
type Overridable = Omit<RouterOptions, "mode" | "profile">;
type Given = {
  [K in keyof RouterOptionsOverrides]-?: Exclude<RouterOptionsOverrides[K], undefined>;
};
const _fits: Overridable = {} as Given;
const _covers: Given = {} as Overridable;
void _fits;
void _covers;
