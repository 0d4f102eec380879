/**
 * `<profile-dir>/step_profiles.csv`: the header once (when the file is new or empty), then one row
 * per finished step, written with one `write(2)` as the step completes. A row is in the kernel
 * before the request's response ends, so a crash of the proxy loses nothing already written.
 * @module
 */
import { closeSync, fstatSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import {
  STEP_PROFILE_HEADER,
  encodeStepProfileRow,
  type StepProfileRow,
} from "@thunderagent/protocol";

export const STEP_PROFILES_FILE = "step_profiles.csv";

export class ProfileWriter {
  #fd: number | null;
  readonly path: string;
  rowsWritten = 0;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, STEP_PROFILES_FILE);
    this.#fd = openSync(this.path, "a");
    if (fstatSync(this.#fd).size === 0) writeSync(this.#fd, STEP_PROFILE_HEADER);
  }

  append(row: StepProfileRow): void {
    if (this.#fd === null) return;
    writeSync(this.#fd, encodeStepProfileRow(row));
    this.rowsWritten++;
  }

  close(): void {
    if (this.#fd === null) return;
    closeSync(this.#fd);
    this.#fd = null;
  }
}
