import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  IM_END,
  ScriptedModel,
  SUBMIT_COMMAND,
  countTextTokens,
  tokenizeChat,
  tokenizeReply,
  tokenizeText,
} from "../../src/index.js";

const msg = fc.record({
  role: fc.constantFrom("system", "user", "assistant", "tool"),
  content: fc.string({ maxLength: 80 }),
});

function isPrefix(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length > b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

describe("chat tokenization", () => {
  it("is deterministic, about 4 characters per token", () => {
    const text = "x".repeat(400);
    expect(tokenizeText(text).length).toBe(100);
    expect(countTextTokens("abcde")).toBe(2);
    const m = [{ role: "user", content: "hello world" }];
    expect(tokenizeChat(m)).toEqual(tokenizeChat(m));
  });

  it("is prefix-stable when a conversation grows by appending", () => {
    fc.assert(
      fc.property(
        fc.array(msg, { maxLength: 6 }),
        fc.array(msg, { minLength: 1, maxLength: 4 }),
        (a, b) => {
          const before = tokenizeChat(a, { addGenerationPrompt: false });
          const after = tokenizeChat([...a, ...b], { addGenerationPrompt: false });
          expect(isPrefix(before, after)).toBe(true);
        },
      ),
    );
  });

  it("prompt + reply tokens are exactly the next turn's prefix", () => {
    fc.assert(
      fc.property(
        fc.array(msg, { minLength: 1, maxLength: 5 }),
        fc.string({ maxLength: 200 }),
        fc.string(),
        (conv, reply, obs) => {
          const prompt = tokenizeChat(conv);
          const out = tokenizeReply(reply);
          expect(out[out.length - 1]).toBe(IM_END);
          const next = tokenizeChat([
            ...conv,
            { role: "assistant", content: reply },
            { role: "user", content: obs },
          ]);
          const joined = new Uint32Array(prompt.length + out.length);
          joined.set(prompt);
          joined.set(out, prompt.length);
          expect(isPrefix(joined, next)).toBe(true);
        },
      ),
    );
  });
});

describe("scripted model", () => {
  const conv = (steps: number) => {
    const m: Array<{ role: string; content: string }> = [
      { role: "system", content: "You are a helpful assistant." },
      { role: "user", content: "<pr_description>Fix the off-by-one in utils.py</pr_description>" },
    ];
    for (let i = 0; i < steps; i++) {
      m.push({ role: "assistant", content: "THOUGHT: x\n\n```bash\nls\n```" });
      m.push({ role: "user", content: "<returncode>0</returncode>" });
    }
    return m;
  };

  it("answers in mini-swe-agent's format: THOUGHT and exactly one bash block", () => {
    const model = new ScriptedModel({ seed: 1 });
    for (let s = 0; s < 8; s++) {
      const r = model.reply(conv(s));
      expect(r.content.startsWith("THOUGHT:")).toBe(true);
      expect(r.content.match(/```bash\n/g)?.length).toBe(1);
      expect(r.content.endsWith(`\`\`\`bash\n${r.command}\n\`\`\``)).toBe(true);
      expect(r.step).toBe(s + 1);
      expect(r.toolKey).toBe(r.command.split(" ")[0]);
    }
  });

  it("is reproducible per program and submits at its planned last step", () => {
    const a = new ScriptedModel({ seed: 7 });
    const b = new ScriptedModel({ seed: 7 });
    expect(a.reply(conv(3))).toEqual(b.reply(conv(3)));
    const planned = a.reply(conv(0)).plannedSteps;
    expect(planned).toBeGreaterThanOrEqual(3);
    expect(planned).toBeLessThanOrEqual(135);
    const last = a.reply(conv(planned - 1));
    expect(last.isFinal).toBe(true);
    expect(last.command).toBe(SUBMIT_COMMAND);
    expect(a.reply(conv(1)).command).toMatch(/^printf .* > sim_scratch\.py/);
  });

  it("draws output lengths around the workload's median (docs/simulator-facts.md)", () => {
    const model = new ScriptedModel({ seed: 3 });
    const lens: number[] = [];
    for (let p = 0; p < 200; p++) {
      const r = model.reply([{ role: "user", content: `task ${p}` }]);
      lens.push(tokenizeReply(r.content).length);
    }
    lens.sort((x, y) => x - y);
    const median = lens[100]!;
    expect(median).toBeGreaterThan(50);
    expect(median).toBeLessThan(160);
    expect(lens[lens.length - 1]).toBeLessThanOrEqual(2048);
  });
});
