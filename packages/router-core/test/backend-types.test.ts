import { describe, expect, it } from "vitest";
import {
  BACKEND_TYPES,
  BACKEND_TYPE_NAMES,
  backendType,
  isBackendTypeName,
  parseSglangMetrics,
  parseSkyrlMetrics,
  parseVllmMetrics,
  type BackendSnapshot,
} from "../src/index.js";

const SNAPSHOT_KEYS: readonly (keyof BackendSnapshot)[] = [
  "capacityTokens",
  "blockSize",
  "numGpuBlocks",
  "kvCacheUsage",
  "numRequestsRunning",
  "numRequestsWaiting",
  "prefixCacheQueries",
  "prefixCacheHits",
  "promptTokens",
  "generationTokens",
  "numPreemptions",
  "requestsCompleted",
];

describe("the backend-type registry", () => {
  it("lists its keys as the names, vllm first (the default)", () => {
    expect(BACKEND_TYPE_NAMES).toEqual(Object.keys(BACKEND_TYPES));
    expect(BACKEND_TYPE_NAMES[0]).toBe("vllm");
    expect(BACKEND_TYPE_NAMES.every(isBackendTypeName)).toBe(true);
    expect(isBackendTypeName("toString")).toBe(false);
    expect(isBackendTypeName("trtllm")).toBe(false);
  });

  describe.each(BACKEND_TYPE_NAMES)("%s", (name) => {
    const t = backendType(name);

    it("is a complete record", () => {
      expect(t.summary).toMatch(/\S/);
      expect(t.capacity).toMatch(/\S/);
      expect(t.fetch.length).toBeGreaterThan(0);
      for (const f of t.fetch) expect(f.path).toMatch(/^\/\S+$/);
      expect(t.fetch.some((f) => f.required)).toBe(true);
      expect(t.servedCalls.path).toMatch(/^\/\S+$/);
      expect(t.servedCalls.counter).toMatch(/\S/);
      expect(typeof t.parse).toBe("function");
      expect(typeof t.servedCalls.read).toBe("function");
    });

    it("its example holds a body for every fetched path", () => {
      for (const f of t.fetch) expect(typeof t.example.bodies[f.path]).toBe("string");
      expect(typeof t.example.bodies[t.servedCalls.path]).toBe("string");
    });

    it("parses its example into a full snapshot with the example's capacity", () => {
      const s = t.parse(t.example.bodies);
      for (const k of SNAPSHOT_KEYS) expect(s).toHaveProperty(k);
      expect(Object.keys(s).sort()).toEqual([...SNAPSHOT_KEYS].sort());
      expect(s.capacityTokens).toBe(t.example.capacityTokens);
      expect(s.kvCacheUsage).toBeGreaterThanOrEqual(0);
      expect(s.kvCacheUsage).toBeLessThanOrEqual(1);
    });

    it("still parses when the optional fetches failed, and fails without a required one", () => {
      const bodies = Object.fromEntries(
        t.fetch.map((f) => [f.path, f.required ? (t.example.bodies[f.path] ?? null) : null]),
      );
      expect(() => t.parse(bodies)).not.toThrow();
      const required = t.fetch.find((f) => f.required)?.path as string;
      expect(() => t.parse({ ...bodies, [required]: null })).toThrow();
    });

    it("reads its served-calls counter from the example", () => {
      const body = t.example.bodies[t.servedCalls.path] as string;
      expect(t.servedCalls.read(body)).toEqual(t.example.served);
    });
  });

  it("parses with the parsers the records name", () => {
    const v = BACKEND_TYPES.vllm.example.bodies;
    expect(BACKEND_TYPES.vllm.parse(v)).toEqual(parseVllmMetrics(v["/metrics"] as string));
    const g = BACKEND_TYPES.sglang.example.bodies;
    expect(BACKEND_TYPES.sglang.parse(g)).toEqual(
      parseSglangMetrics(
        g["/metrics"] as string,
        JSON.parse(g["/get_server_info"] as string) as unknown,
      ),
    );
    const k = BACKEND_TYPES.skyrl.example.bodies;
    expect(BACKEND_TYPES.skyrl.parse(k)).toEqual(
      parseSkyrlMetrics(JSON.parse(k["/metrics"] as string) as unknown),
    );
  });
});
