/**
 * `/metrics` in vLLM's exposition format (docs/wire-facts.md, "Metrics"): prometheus_client text with
 * HELP/TYPE lines, `_total` counters followed by their `_created` gauges, labels sorted
 * (`engine`, `model_name`), request_success pre-created for every finish reason, and
 * `vllm:cache_config_info` carrying the CacheConfig fields (v0.11/0.12 set) with `num_gpu_blocks`.
 * @module
 */
import type { EngineCounters } from "../model/types.js";
import { floatToGoString } from "./py-float.js";

export interface MetricsContext {
  modelName: string;
  /** Unix seconds the counters were created (server start). */
  createdAt: number;
  gpuMemoryUtilization: number;
}

function labelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function labels(obj: Record<string, string>): string {
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${k}="${labelValue(obj[k]!)}"`).join(",")}}`;
}

/** The exposition text for one engine (`engine="0"`). */
export function renderVllmMetrics(c: EngineCounters, ctx: MetricsContext): string {
  const base = { engine: "0", model_name: ctx.modelName };
  const lb = labels(base);
  const out: string[] = [];
  const gauge = (name: string, help: string, value: number) => {
    out.push(
      `# HELP ${name} ${help}`,
      `# TYPE ${name} gauge`,
      `${name}${lb} ${floatToGoString(value)}`,
    );
  };
  const counter = (name: string, help: string, value: number) => {
    out.push(
      `# HELP ${name}_total ${help}`,
      `# TYPE ${name}_total counter`,
      `${name}_total${lb} ${floatToGoString(value)}`,
      `# HELP ${name}_created ${help}`,
      `# TYPE ${name}_created gauge`,
      `${name}_created${lb} ${floatToGoString(ctx.createdAt)}`,
    );
  };
  gauge("vllm:num_requests_running", "Number of requests in model execution batches.", c.running);
  gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", c.waiting);
  gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", c.kvCacheUsage);
  counter(
    "vllm:prefix_cache_queries",
    "Prefix cache queries, in terms of number of queried tokens.",
    c.prefixCacheQueries,
  );
  counter(
    "vllm:prefix_cache_hits",
    "Prefix cache hits, in terms of number of cached tokens.",
    c.prefixCacheHits,
  );
  counter(
    "vllm:num_preemptions",
    "Cumulative number of preemption from the engine.",
    c.preemptions,
  );
  counter("vllm:prompt_tokens", "Number of prefill tokens processed.", c.promptTokens);
  counter("vllm:generation_tokens", "Number of generation tokens processed.", c.generationTokens);
  out.push(...requestSuccessLines(c, ctx, base));
  out.push(
    "# HELP vllm:cache_config_info Information of the LLMEngine CacheConfig",
    "# TYPE vllm:cache_config_info gauge",
    `vllm:cache_config_info${labels(cacheConfigInfo(c, ctx))} 1.0`,
  );
  return out.join("\n") + "\n";
}

/** `vllm:request_success`, pre-created for every finish reason, and its `_created` gauges. */
function requestSuccessLines(
  c: EngineCounters,
  ctx: MetricsContext,
  base: Record<string, string>,
): string[] {
  const out: string[] = [];
  const help = "Count of successfully processed requests.";
  out.push(
    `# HELP vllm:request_success_total ${help}`,
    "# TYPE vllm:request_success_total counter",
  );
  const reasons = ["stop", "length", "abort", "error"] as const;
  for (const r of reasons) {
    const l = labels({ ...base, finished_reason: r });
    out.push(`vllm:request_success_total${l} ${floatToGoString(c.requestSuccess[r])}`);
  }
  out.push(
    `# HELP vllm:request_success_created ${help}`,
    "# TYPE vllm:request_success_created gauge",
  );
  for (const r of reasons) {
    const l = labels({ ...base, finished_reason: r });
    out.push(`vllm:request_success_created${l} ${floatToGoString(ctx.createdAt)}`);
  }
  return out;
}

/** The labels of `vllm:cache_config_info`: vLLM's CacheConfig fields (v0.11/0.12 set). */
function cacheConfigInfo(c: EngineCounters, ctx: MetricsContext): Record<string, string> {
  return {
    block_size: String(c.blockSize),
    cache_dtype: "auto",
    calculate_kv_scales: "False",
    cpu_kvcache_space_bytes: "None",
    cpu_offload_gb: "0",
    enable_prefix_caching: "True",
    engine: "0",
    gpu_memory_utilization: String(ctx.gpuMemoryUtilization),
    is_attention_free: "False",
    kv_cache_memory_bytes: "None",
    kv_offloading_backend: "None",
    kv_offloading_size: "None",
    kv_sharing_fast_prefill: "False",
    mamba_block_size: "None",
    mamba_cache_dtype: "auto",
    mamba_page_size_padded: "None",
    mamba_ssm_cache_dtype: "auto",
    num_cpu_blocks: "None",
    num_gpu_blocks: String(c.numGpuBlocks),
    num_gpu_blocks_override: "None",
    prefix_caching_hash_algo: "sha256",
    sliding_window: "None",
    swap_space: "4",
  };
}
