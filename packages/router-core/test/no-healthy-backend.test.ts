import { describe, expect, it } from "vitest";
import { Router } from "../src/router.js";
import { DEFAULT_ROUTER_OPTIONS } from "../src/options.js";

const A = "http://a";
const B = "http://b";

function router(): Router {
  return new Router({ ...DEFAULT_ROUTER_OPTIONS, mode: "tr" }, [A, B]);
}

describe("no healthy backend (tr)", () => {
  it("a new program queued while every backend is down leaves the queue when its request gives up", () => {
    const r = router();
    r.setBackendHealth(A, false, 0);
    r.setBackendHealth(B, false, 0);
    expect(r.arrive({ requestId: "q1", programId: "p", payloadChars: 40 }, 0).kind).toBe("wait");
    expect(r.stats().queueLength).toBe(1);
    r.cancelPending("q1", 5);
    expect(r.stats()).toMatchObject({ queueLength: 0, pendingRequests: 0 });
    expect(r.program("p")).toMatchObject({ state: "active", backend: null, pendingRequests: 0 });
    // A backend comes back: the program's next request is admitted like a new program's.
    r.setBackendHealth(A, true, 6);
    expect(r.arrive({ requestId: "q2", programId: "p", payloadChars: 40 }, 6)).toEqual({
      kind: "forward",
      backend: A,
    });
  });

  it("a program paused from a backend that went down stays queued for its restore", () => {
    const r = router();
    expect(r.arrive({ requestId: "q1", programId: "p", payloadChars: 40 }, 0).kind).toBe("forward");
    r.complete(
      "q1",
      { promptTokens: 10, completionTokens: 5, totalTokens: 15, cachedTokens: null },
      1,
    );
    r.setBackendHealth(A, false, 2);
    r.setBackendHealth(B, false, 2);
    expect(r.arrive({ requestId: "q2", programId: "p", payloadChars: 40 }, 3).kind).toBe("wait");
    r.cancelPending("q2", 8);
    expect(r.program("p")).toMatchObject({ state: "paused" });
  });

  it('lists a program named "__proto__" in /programs and /profiles like any other', () => {
    const r = new Router({ ...DEFAULT_ROUTER_OPTIONS, mode: "tr", profile: true }, [A]);
    r.arrive({ requestId: "q1", programId: "__proto__", payloadChars: 40 }, 0);
    const programs = r.programsView();
    expect(Object.keys(programs)).toEqual(["__proto__"]);
    expect(JSON.stringify(programs)).toMatch(/^\{"__proto__":\{"backend":"http:\/\/a",/);
    expect([...r.programEntries()].map(([id]) => id)).toEqual(["__proto__"]);
    expect(r.hasProgram("__proto__")).toBe(true);
    expect(r.programCount()).toBe(1);
  });
});
