/** A port that was free a moment ago (for a backend started later on a known address). */
export { freePort } from "@thunderagent/engine-sim";
