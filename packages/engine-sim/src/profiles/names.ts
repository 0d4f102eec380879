/**
 * The model profiles' names: the one declaration every app imports (engine-sim's `--profile`,
 * `bench:sched`'s `--profile`, reproduce's presets).
 * @module
 */
export const PROFILE_NAMES = ["glm4.6", "qwen3-235b"] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export function isProfileName(x: unknown): x is ProfileName {
  return typeof x === "string" && (PROFILE_NAMES as readonly string[]).includes(x);
}
