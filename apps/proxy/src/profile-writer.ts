/**
 * `<profile-dir>/step_profiles.csv`: the header once (when the file is new or empty), then one row
 * per finished step, written with one `write(2)` as the step completes. A row is in the kernel
 * before the request's response ends, so a crash of the proxy loses nothing already written.
 * A file left by an older router with another header (the 8-column layout) is moved aside to
 * `step_profiles.<n>.old.csv` rather than appended to with rows it has no columns for. The directory
 * is created 0700 and the file opened with `O_NOFOLLOW` (0600), so a symlink planted in a shared
 * `/tmp` cannot redirect the rows; fields are CSV-escaped by protocol's `encodeStepProfileRow`.
 * @module
 */
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import {
  STEP_PROFILE_HEADER,
  encodeStepProfileRow,
  type StepProfileRow,
} from "@thunderagent/protocol";

export const STEP_PROFILES_FILE = "step_profiles.csv";

/** The file's first bytes, as long as the header (empty when there is no file). */
function headOf(path: string): string {
  if (!existsSync(path)) return "";
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const buf = Buffer.alloc(STEP_PROFILE_HEADER.length);
    return buf.toString("utf8", 0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates `dir` private (0700). An existing one must be a real directory (not a symlink) owned by
 * this user, else the writer refuses to start: another user could read or swap the CSV in it.
 */
function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) {
    throw new Error(`--profile-dir ${dir} must be a directory owned by this user, not a symlink`);
  }
}

export class ProfileWriter {
  #fd: number | null;
  readonly path: string;
  /** Where a file with another header was moved, or null. */
  readonly movedAside: string | null = null;
  rowsWritten = 0;

  constructor(dir: string) {
    privateDir(dir);
    this.path = join(dir, STEP_PROFILES_FILE);
    const head = headOf(this.path);
    if (head !== "" && head !== STEP_PROFILE_HEADER) {
      let n = 1;
      while (existsSync(join(dir, `step_profiles.${n}.old.csv`))) n++;
      this.movedAside = join(dir, `step_profiles.${n}.old.csv`);
      renameSync(this.path, this.movedAside);
    }
    // Never through a symlink planted in a shared directory such as /tmp (ELOOP instead).
    const flags =
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;
    this.#fd = openSync(this.path, flags, 0o600);
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
