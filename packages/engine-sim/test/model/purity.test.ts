import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = join(import.meta.dirname, "../../src/model");
const PURE_PACKAGES = new Set(["@thunderagent/protocol"]);

describe("the engine model is pure", () => {
  it("imports no I/O module and uses no timers or clocks", () => {
    for (const f of readdirSync(dir)) {
      const src = readFileSync(join(dir, f), "utf8");
      const imports = [...src.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]!);
      // Its own modules, and protocol (pure: shapes, zod schemas, the error base; no I/O).
      for (const i of imports) {
        expect(i.startsWith("./") || PURE_PACKAGES.has(i), `${f} imports ${i}`).toBe(true);
      }
      expect(src, f).not.toMatch(
        /\b(setTimeout|setInterval|setImmediate|Date\.now|performance\.now|process\.)/,
      );
    }
  });
});
