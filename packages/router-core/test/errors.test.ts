import { describe, expect, it } from "vitest";
import { DEFAULT_ROUTER_OPTIONS, Router, RouterCoreError, routerModePolicy } from "../src/index.js";
import { requiredBody } from "../src/backends/backend-type.js";
import { A, makeRouter, startRequest } from "./helpers.js";

/** The error a call throws (the call must throw). */
function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

describe("RouterCoreError", () => {
  it("every error router-core throws on purpose is one, told apart by its code", () => {
    const r = makeRouter([A], [null]);
    startRequest(r, "p", 10, 0, "same");
    const cases: Array<[() => unknown, string]> = [
      [() => startRequest(r, "q", 10, 0, "same"), "duplicate_request"],
      [() => new Router(DEFAULT_ROUTER_OPTIONS, []), "no_backends"],
      [() => routerModePolicy("fifo" as never), "unknown_mode"],
      [() => requiredBody({}, "/metrics"), "missing_body"],
    ];
    for (const [call, code] of cases) {
      const e = thrown(call);
      expect(e).toBeInstanceOf(RouterCoreError);
      expect(e).toMatchObject({ code, name: "RouterCoreError" });
    }
  });
});
