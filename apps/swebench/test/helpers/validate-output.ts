import { readFileSync } from "node:fs";
import { Predictions, Trajectory, parseOrThrow } from "@thunderagent/protocol";
import { trajectoryPath } from "../../src/index.js";

/** Reads and validates preds.json and every instance's trajectory. */
export function readValidatedOutput(outputDir: string) {
  const preds = parseOrThrow(
    Predictions,
    JSON.parse(readFileSync(`${outputDir}/preds.json`, "utf8")),
    "preds.json",
  );
  const trajs = Object.keys(preds).map((id) =>
    parseOrThrow(
      Trajectory,
      JSON.parse(readFileSync(trajectoryPath(outputDir, id), "utf8")),
      `${id} trajectory`,
    ),
  );
  return { preds, trajs };
}
