import { describe, expectTypeOf, it } from "vitest";
import type {
  ChatCompletionRequest,
  HealthResponse,
  ProgramInfo,
  ReleaseResponse,
  StepProfileRow,
  SweBenchInstance,
} from "../src/index.js";
import { resolveRouting } from "../src/index.js";

describe("inferred types", () => {
  it("types the known chat fields and allows unknown ones", () => {
    expectTypeOf<ChatCompletionRequest["model"]>().toEqualTypeOf<string>();
    expectTypeOf<ChatCompletionRequest["program_id"]>().toEqualTypeOf<
      string | number | undefined
    >();
    expectTypeOf<ChatCompletionRequest["docker_ids"]>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<ChatCompletionRequest>().toHaveProperty("anything_else");
  });

  it("types the REST bodies", () => {
    expectTypeOf<ProgramInfo["status"]>().toEqualTypeOf<"reasoning" | "acting">();
    expectTypeOf<ProgramInfo["state"]>().toEqualTypeOf<"active" | "paused" | "terminated">();
    expectTypeOf<ProgramInfo["backend"]>().toEqualTypeOf<string | null>();
    expectTypeOf<HealthResponse["router_mode"]>().toEqualTypeOf<"default" | "tr">();
    expectTypeOf<ReleaseResponse>().toEqualTypeOf<{ program_id: string; released: boolean }>();
  });

  it("types step rows and instances after parsing", () => {
    expectTypeOf<StepProfileRow["kv_hit_rate"]>().toEqualTypeOf<number | null>();
    expectTypeOf<SweBenchInstance["FAIL_TO_PASS"]>().toEqualTypeOf<string[]>();
    expectTypeOf(resolveRouting).returns.toEqualTypeOf<{
      programId: string;
      dockerIds: string[];
    }>();
  });
});
