import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { STEP_PROFILE_HEADER, decodeStepProfileCsv } from "@thunderagent/protocol";
import { ProfileWriter } from "../src/profile-writer.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("ProfileWriter", () => {
  it("writes the header once and each row as it is appended, across restarts", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "ta-prof-")), "nested");
    dirs.push(dir);
    const row = {
      program_id: "agent-1",
      step_id: 1,
      prefill_s: 0.5,
      decode_s: 1,
      pause_s: 0,
      tool_call_s: 0.01234,
      prompt_tokens: 1200,
      completion_tokens: 31,
      cached_tokens: null,
      kv_hit_rate: null,
      completed_at: 1795565338.059,
    };
    const w = new ProfileWriter(dir);
    w.append(row);
    // Visible on disk before close: a crash would not lose it.
    expect(readFileSync(w.path, "utf8")).toBe(
      STEP_PROFILE_HEADER + "agent-1,1,0.5,1.0,0.0,0.0123,1200,31,,,1795565338.059\n",
    );
    w.close();
    const again = new ProfileWriter(dir);
    again.append({ ...row, step_id: 2, cached_tokens: 600, kv_hit_rate: 0.5 });
    again.close();
    expect(again.movedAside).toBeNull();
    const rows = decodeStepProfileCsv(readFileSync(again.path, "utf8"));
    expect(rows.map((r) => r.step_id)).toEqual([1, 2]);
    expect(rows[1]).toMatchObject({ prompt_tokens: 1200, cached_tokens: 600, kv_hit_rate: 0.5 });
  });

  it("moves a file with the old 8-column header aside instead of mixing layouts", () => {
    const dir = mkdtempSync(join(tmpdir(), "ta-prof-"));
    dirs.push(dir);
    const old =
      "program_id,step_id,prefill_s,decode_s,pause_s,tool_call_s,kv_hit_rate,completed_at\n" +
      "p,1,0.1,0.2,0.0,0.0,,1700000000.0\n";
    writeFileSync(join(dir, "step_profiles.csv"), old);
    const w = new ProfileWriter(dir);
    w.close();
    expect(w.movedAside).toBe(join(dir, "step_profiles.1.old.csv"));
    expect(readFileSync(w.movedAside!, "utf8")).toBe(old);
    expect(decodeStepProfileCsv(readFileSync(w.movedAside!, "utf8"))).toHaveLength(1);
    expect(readFileSync(w.path, "utf8")).toBe(STEP_PROFILE_HEADER);
  });
});
