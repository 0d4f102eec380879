/** The bench's one error base: its errors carry a literal code and keep their own names. */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BenchError } from "../src/index.js";
import { OriginalCmdError } from "../src/vs-original/execute.js";
import { loadSession } from "../src/vs-original/render.js";

describe("BenchError", () => {
  it("OriginalCmdError is a BenchError with code original_failed and its own name", () => {
    const e = new OriginalCmdError("the original failed");
    expect(e).toBeInstanceOf(BenchError);
    expect(e).toMatchObject({
      code: "original_failed",
      name: "OriginalCmdError",
      retryable: false,
    });
  });

  it("a file that is not a rows file is invalid_rows", async () => {
    const notRows = fileURLToPath(new URL("../package.json", import.meta.url));
    await expect(loadSession(notRows)).rejects.toMatchObject({
      name: "BenchError",
      code: "invalid_rows",
    });
  });
});
