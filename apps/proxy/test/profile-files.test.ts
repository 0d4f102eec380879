/**
 * The profile CSV cannot be redirected: the directory is created 0700, a symlink planted where the
 * CSV goes (or as the directory) makes the writer refuse instead of appending to its target, and a
 * program id with a newline is one quoted field.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { decodeStepProfileCsv } from "@thunderagent/protocol";
import { ProfileWriter, STEP_PROFILES_FILE } from "../src/profile-writer.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), "ta-profile-"));
  dirs.push(d);
  return d;
}

const row = (programId: string) => ({
  program_id: programId,
  step_id: 1,
  prefill_s: 0.1,
  decode_s: 0.2,
  pause_s: 0,
  tool_call_s: 0,
  prompt_tokens: 10,
  completion_tokens: 2,
  cached_tokens: null,
  kv_hit_rate: null,
  completed_at: 1,
});

describe("profile files", () => {
  it("creates the directory 0700 and escapes a program id with a newline", () => {
    const dir = join(scratch(), "profiles");
    const w = new ProfileWriter(dir);
    w.append(row("evil\nprogram,x"));
    w.close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const rows = decodeStepProfileCsv(readFileSync(join(dir, STEP_PROFILES_FILE), "utf8"));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.program_id).toBe("evil\nprogram,x");
  });

  it("refuses a CSV path that is a symlink; the target is untouched", () => {
    const base = scratch();
    const target = join(base, "root-only.txt");
    writeFileSync(target, "precious\n");
    const dir = join(base, "profiles");
    new ProfileWriter(dir).close();
    rmSync(join(dir, STEP_PROFILES_FILE));
    symlinkSync(target, join(dir, STEP_PROFILES_FILE));
    expect(() => new ProfileWriter(dir)).toThrow(/ELOOP|symbolic link/);
    expect(readFileSync(target, "utf8")).toBe("precious\n");
  });

  it("refuses a profile directory that is a symlink", () => {
    const base = scratch();
    const real = join(base, "real");
    new ProfileWriter(real).close();
    const link = join(base, "link");
    symlinkSync(real, link);
    expect(() => new ProfileWriter(link)).toThrow(/owned by this user, not a symlink/);
  });
});
