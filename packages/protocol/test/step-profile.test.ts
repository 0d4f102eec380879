import { describe, expect, it } from "vitest";
import {
  decodeStepProfileCsv,
  encodeStepProfileRow,
  formatSeconds,
  STEP_PROFILE_HEADER,
  type StepProfileRow,
} from "../src/index.js";

const original =
  "program_id,step_id,prefill_s,decode_s,pause_s,tool_call_s,prompt_tokens,completion_tokens,cached_tokens,kv_hit_rate,completed_at\n" +
  "agent-1,1,0.0,0.0,0.0001,0.0,1200,30,0,0.0,1795565338.059\n" +
  "agent-1,2,0.0,0.0,0.0,0.014,1260,41,,,1795565338.0757\n";

/** The 8-column layout the Python original wrote before the token counts. */
const legacy =
  "program_id,step_id,prefill_s,decode_s,pause_s,tool_call_s,kv_hit_rate,completed_at\r\n" +
  "agent-1,1,0.0,0.0,0.0001,0.0,0.0,1795565338.059\r\n" +
  '"a,b",2,0.0,0.0,0.0,0.014,,1795565338.0757\r\n';

describe("step_profiles.csv", () => {
  it("writes today's upstream 11 columns", () => {
    expect(STEP_PROFILE_HEADER).toBe(
      "program_id,step_id,prefill_s,decode_s,pause_s,tool_call_s,prompt_tokens,completion_tokens,cached_tokens,kv_hit_rate,completed_at\n",
    );
  });

  it("decodes the 11-column file and encodes it back byte for byte", () => {
    const rows = decodeStepProfileCsv(original);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({
      program_id: "agent-1",
      step_id: 1,
      prefill_s: 0,
      decode_s: 0,
      pause_s: 0.0001,
      tool_call_s: 0,
      prompt_tokens: 1200,
      completion_tokens: 30,
      cached_tokens: 0,
      kv_hit_rate: 0,
      completed_at: 1795565338.059,
    });
    expect(rows[1]).toMatchObject({ prompt_tokens: 1260, cached_tokens: null, kv_hit_rate: null });
    expect(STEP_PROFILE_HEADER + rows.map(encodeStepProfileRow).join("")).toBe(original);
  });

  it("reads the old 8-column header (CRLF, quoted ids): token counts unknown", () => {
    const rows = decodeStepProfileCsv(legacy);
    expect(rows.map((r) => r.program_id)).toEqual(["agent-1", "a,b"]);
    expect(rows[0]).toMatchObject({
      pause_s: 0.0001,
      prompt_tokens: null,
      completion_tokens: null,
      cached_tokens: null,
      kv_hit_rate: 0,
    });
    expect(rows[1]?.kv_hit_rate).toBeNull();
    expect(() => decodeStepProfileCsv(legacy + "p,1,0,0,0,0,1,2,3,,1\n")).toThrow(
      /line 4: expected 8 fields, got 11/,
    );
  });

  it("prints floats like Python and rounds to 4 decimals", () => {
    expect(formatSeconds(0)).toBe("0.0");
    expect(formatSeconds(3)).toBe("3.0");
    expect(formatSeconds(0.123456)).toBe("0.1235");
    expect(formatSeconds(1795565338.07571)).toBe("1795565338.0757");
  });

  it("round-trips odd program ids and unknown hit rates", () => {
    const rows: StepProfileRow[] = [
      {
        program_id: 'odd,"id"\nwith newline',
        step_id: 3,
        prefill_s: 1.5,
        decode_s: 2.25,
        pause_s: 0,
        tool_call_s: 0.5,
        prompt_tokens: null,
        completion_tokens: 7,
        cached_tokens: null,
        kv_hit_rate: null,
        completed_at: 1700000000.5,
      },
      { ...baseRow(), program_id: "plain", kv_hit_rate: 0.97 },
    ];
    const text = STEP_PROFILE_HEADER + rows.map(encodeStepProfileRow).join("");
    expect(text.split("\n")[1]).toBe('"odd,""id""');
    expect(decodeStepProfileCsv(text)).toEqual(rows);
  });

  it("ignores a half-written last line, but reports a bad line in the middle", () => {
    const truncated = original + "agent-1,3,0.1,0.";
    expect(decodeStepProfileCsv(truncated)).toHaveLength(2);
    expect(() => decodeStepProfileCsv(truncated, { tolerateTruncatedTail: false })).toThrow(
      /line 4: expected 11 fields, got 4/,
    );
    const bad = original.replace("agent-1,2,0.0", "agent-1,two,0.0") + "agent-1,3,0,0,0,0,,,,,1\n";
    expect(() => decodeStepProfileCsv(bad)).toThrow(/line 3: step_id:/);
  });

  it("rejects a wrong header and negative durations", () => {
    expect(() => decodeStepProfileCsv("a,b\n")).toThrow(/expected header/);
    const neg = STEP_PROFILE_HEADER + "p,1,-1,0,0,0,,,,,1\n";
    expect(() => decodeStepProfileCsv(neg)).toThrow(/line 2: prefill_s:/);
    const frac = STEP_PROFILE_HEADER + "p,1,0,0,0,0,1.5,,,,1\n";
    expect(() => decodeStepProfileCsv(frac)).toThrow(/line 2: prompt_tokens:/);
  });

  it("an empty file has no rows", () => {
    expect(decodeStepProfileCsv("")).toEqual([]);
    expect(decodeStepProfileCsv(STEP_PROFILE_HEADER)).toEqual([]);
  });
});

function baseRow(): StepProfileRow {
  return {
    program_id: "p",
    step_id: 1,
    prefill_s: 0.25,
    decode_s: 0.5,
    pause_s: 0,
    tool_call_s: 0,
    prompt_tokens: 100,
    completion_tokens: 10,
    cached_tokens: 50,
    kv_hit_rate: 0.5,
    completed_at: 1700000001,
  };
}
