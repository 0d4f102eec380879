import { describe, expect, it } from "vitest";
import { ChatCompletionRequest, RequestRouting, resolveRouting } from "../src/index.js";

describe("RequestRouting", () => {
  it("accepts the router fields at both places, and an extra_body of null", () => {
    const body = {
      model: "m",
      program_id: 3,
      docker_ids: ["a"],
      extra_body: { program_id: "p", docker_ids: ["b"], top_k: 1 },
    };
    expect(RequestRouting.safeParse(body).success).toBe(true);
    expect(RequestRouting.safeParse({ extra_body: null }).success).toBe(true);
    expect(RequestRouting.safeParse({}).success).toBe(true);
  });

  it("accepts empty docker ids, as the Python original accepts any docker_ids", () => {
    expect(RequestRouting.safeParse({ docker_ids: [""] }).success).toBe(true);
    expect(RequestRouting.safeParse({ extra_body: { docker_ids: [] } }).success).toBe(true);
    expect(ChatCompletionRequest.shape.docker_ids.safeParse([""]).success).toBe(true);
  });

  it("names the bad field in the issue path", () => {
    const paths = (v: unknown) => {
      const r = RequestRouting.safeParse(v);
      return r.success ? [] : r.error.issues.map((i) => i.path);
    };
    expect(paths({ program_id: "" })).toEqual([["program_id"]]);
    expect(paths({ docker_ids: "abc" })).toEqual([["docker_ids"]]);
    expect(paths({ docker_ids: [1] })).toEqual([["docker_ids", 0]]);
    expect(paths({ extra_body: [] })).toEqual([["extra_body"]]);
    expect(paths({ extra_body: { program_id: false } })).toEqual([["extra_body", "program_id"]]);
  });
});

describe("resolveRouting with empty docker ids", () => {
  it("leaves out empty strings (they name no container)", () => {
    const r = resolveRouting({ docker_ids: ["", "a"], extra_body: { docker_ids: ["", "b"] } });
    expect(r.dockerIds).toEqual(["a", "b"]);
    expect(resolveRouting({ docker_ids: [""], extra_body: null }).dockerIds).toEqual([]);
  });
});
