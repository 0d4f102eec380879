/**
 * `<output>/run.log`: pino JSON lines, appended synchronously (one write per line, so the runner
 * and its agent processes can share the file), every line tagged with the run id.
 * @module
 */
import { join } from "node:path";
import pino, { type Logger } from "pino";

export function openRunLog(outputDir: string, runId: string): Logger {
  return pino(
    { level: "info", base: { run_id: runId } },
    pino.destination({ dest: join(outputDir, "run.log"), mkdir: true, sync: true, append: true }),
  );
}
