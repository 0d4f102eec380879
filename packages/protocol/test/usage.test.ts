import { describe, expect, it } from "vitest";
import { ChatUsage } from "../src/index.js";

describe("ChatUsage", () => {
  it("reads vLLM's usage with and without prompt_tokens_details", () => {
    const withDetails = {
      prompt_tokens: 120,
      total_tokens: 130,
      completion_tokens: 10,
      prompt_tokens_details: { cached_tokens: 96 },
    };
    expect(ChatUsage.parse(withDetails)).toEqual(withDetails);
    const without = { prompt_tokens: 120, total_tokens: 130, completion_tokens: 10 };
    expect(ChatUsage.parse(without)).toEqual(without);
    expect(ChatUsage.parse({ ...without, prompt_tokens_details: null }).prompt_tokens_details).toBe(
      null,
    );
  });

  it("rejects negative or missing counts", () => {
    expect(
      ChatUsage.safeParse({ prompt_tokens: -1, total_tokens: 0, completion_tokens: 0 }).success,
    ).toBe(false);
    expect(ChatUsage.safeParse({ prompt_tokens: 1 }).success).toBe(false);
  });
});
