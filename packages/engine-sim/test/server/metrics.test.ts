import parsePrometheus from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { floatToGoString, pyFloatRepr, type StartedEngineServer } from "../../src/index.js";
import { MODEL, chat, post, start } from "./helpers.js";

let s: StartedEngineServer;
beforeAll(async () => {
  s = await start({ numGpuBlocks: 27_283 });
  await post(s.url, chat());
  await post(s.url, chat({ max_tokens: 3 }));
});
afterAll(async () => s.close());

describe("/metrics in vLLM's exposition format", () => {
  it("parses with a standard Prometheus text parser, with vLLM's names, labels and types", async () => {
    const res = await fetch(`${s.url}/metrics`);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await res.text();
    const families = parsePrometheus(text);
    const byName = new Map(families.map((f) => [f.name, f]));
    const value = (name: string, labels: Record<string, string> = {}) => {
      const fam = byName.get(name);
      if (!fam) throw new Error(`missing ${name}`);
      const m = fam.metrics.find((x) =>
        Object.entries(labels).every(([k, v]) => x.labels?.[k] === v),
      );
      return Number(m?.value);
    };
    expect(byName.get("vllm:num_requests_running")!.type).toBe("GAUGE");
    expect(byName.get("vllm:prefix_cache_queries_total")!.type).toBe("COUNTER");
    expect(byName.get("vllm:prefix_cache_queries_total")!.metrics[0]!.labels).toEqual({
      engine: "0",
      model_name: MODEL,
    });
    expect(value("vllm:num_requests_running")).toBe(0);
    expect(value("vllm:num_requests_waiting")).toBe(0);
    expect(value("vllm:kv_cache_usage_perc")).toBe(0);
    expect(value("vllm:prefix_cache_queries_total")).toBeGreaterThan(0);
    expect(value("vllm:prefix_cache_hits_total")).toBeGreaterThan(0);
    expect(value("vllm:generation_tokens_total")).toBeGreaterThan(3);
    expect(value("vllm:request_success_total", { finished_reason: "stop" })).toBe(1);
    expect(value("vllm:request_success_total", { finished_reason: "length" })).toBe(1);
    expect(value("vllm:request_success_total", { finished_reason: "abort" })).toBe(0);
    expect(value("vllm:request_success_total", { finished_reason: "error" })).toBe(0);
    expect(value("vllm:num_preemptions_total")).toBe(0);
    const info = byName.get("vllm:cache_config_info")!.metrics[0]!;
    expect(info.labels).toMatchObject({
      block_size: "16",
      num_gpu_blocks: "27283",
      engine: "0",
      enable_prefix_caching: "True",
    });
    expect(info.labels).not.toHaveProperty("model_name");
    expect(text).toMatch(
      /^# HELP vllm:prefix_cache_queries_created .*\n# TYPE vllm:prefix_cache_queries_created gauge\n/m,
    );
    expect(text).toMatch(/^vllm:kv_cache_usage_perc\{engine="0",model_name="glm-4\.6"\} 0\.0$/m);
  });

  it("parses with router-core's parseVllmMetrics", async () => {
    const { parseVllmMetrics } = await import("@thunderagent/router-core");
    const snap = parseVllmMetrics(await (await fetch(`${s.url}/metrics`)).text());
    expect(snap.blockSize).toBe(16);
    expect(snap.numGpuBlocks).toBe(27_283);
    expect(snap.capacityTokens).toBe(16 * 27_283);
    expect(snap.requestsCompleted).toBe(2);
    expect(snap.numRequestsRunning).toBe(0);
    const c = s.state.model.snapshot();
    expect(snap.prefixCacheQueries).toBe(c.prefixCacheQueries);
    expect(snap.prefixCacheHits).toBe(c.prefixCacheHits);
    expect(snap.promptTokens).toBe(c.promptTokens);
    expect(snap.generationTokens).toBe(c.generationTokens);
  });
});

describe("number format (prometheus_client floatToGoString)", () => {
  it("writes Python float reprs, Go-style exponents from 1e6", () => {
    expect(floatToGoString(96_512)).toBe("96512.0");
    expect(floatToGoString(0.4375)).toBe("0.4375");
    expect(floatToGoString(1_843_200)).toBe("1.8432e+06");
    expect(floatToGoString(1_511_424)).toBe("1.511424e+06");
    expect(floatToGoString(1795563680.9664545)).toBe("1.7955636809664545e+09");
    expect(floatToGoString(999_999)).toBe("999999.0");
    expect(floatToGoString(0)).toBe("0.0");
    expect(floatToGoString(1e-5)).toBe("1e-05");
    expect(floatToGoString(Infinity)).toBe("+Inf");
    expect(floatToGoString(Number.NaN)).toBe("NaN");
    expect(pyFloatRepr(1e16)).toBe("1e+16");
    expect(floatToGoString(12_345_678_901)).toBe("1.2345678901e+010");
  });
});
