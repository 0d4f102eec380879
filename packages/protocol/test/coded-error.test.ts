import { describe, expect, it } from "vitest";
import { CodedError } from "../src/index.js";

class DemoError extends CodedError<"a" | "b"> {
  override readonly name: string = "DemoError";
}

describe("CodedError", () => {
  it("a subclass keeps its name and code; retryable defaults to false; cause only when given", () => {
    const root = new Error("root");
    const e = new DemoError("a", "went wrong", { cause: root, retryable: true });
    expect(e).toBeInstanceOf(DemoError);
    expect(e).toBeInstanceOf(CodedError);
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: "DemoError", code: "a", retryable: true, cause: root });
    expect(String(e)).toBe("DemoError: went wrong");
    const plain = new DemoError("b", "plain");
    expect(plain.retryable).toBe(false);
    expect(Object.hasOwn(plain, "cause")).toBe(false);
    expect(JSON.stringify(plain)).toBe('{"code":"b","name":"DemoError","retryable":false}');
  });
});
