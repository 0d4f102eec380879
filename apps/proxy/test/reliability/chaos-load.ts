/** Chaos helpers: send chat requests and classify how each one ended. */
import { request } from "undici";
import { MODEL } from "../helpers/engines.js";

export type Outcome = "ok" | "stream-error" | `status-${number}` | "client-error" | "hang";

export interface Tally {
  total: number;
  byOutcome: Record<string, number>;
  maxMs: number;
}

export function tally(results: Array<{ outcome: Outcome; ms: number }>): Tally {
  const byOutcome: Record<string, number> = {};
  for (const r of results) byOutcome[r.outcome] = (byOutcome[r.outcome] ?? 0) + 1;
  return {
    total: results.length,
    byOutcome,
    maxMs: Math.round(Math.max(0, ...results.map((r) => r.ms))),
  };
}

export async function chat(
  url: string,
  programId: string,
  opts: { stream?: boolean; maxTokens?: number; timeoutMs?: number } = {},
): Promise<{ outcome: Outcome; ms: number }> {
  const t0 = performance.now();
  const timeout = opts.timeoutMs ?? 30_000;
  try {
    const res = await request(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: MODEL,
        program_id: programId,
        stream: opts.stream ?? false,
        max_tokens: opts.maxTokens ?? 8,
        messages: [{ role: "user", content: `task for ${programId}` }],
      }),
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    const text = await res.body.text();
    const ms = performance.now() - t0;
    if (res.statusCode !== 200) return { outcome: `status-${res.statusCode}`, ms };
    if (opts.stream && (!text.includes("[DONE]") || text.includes("upstream_stream_error"))) {
      return { outcome: "stream-error", ms };
    }
    return { outcome: "ok", ms };
  } catch (err) {
    const code = (err as { code?: string }).code ?? "";
    const ms = performance.now() - t0;
    return { outcome: code.includes("TIMEOUT") ? "hang" : "client-error", ms };
  }
}

/** `n` requests, `concurrency` at a time; program ids `${prefix}-${i}`. */
export async function load(
  url: string,
  n: number,
  concurrency: number,
  prefix: string,
  opts: Parameters<typeof chat>[2] = {},
): Promise<Array<{ outcome: Outcome; ms: number }>> {
  const out: Array<{ outcome: Outcome; ms: number }> = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        out.push(await chat(url, `${prefix}-${i}`, opts));
      }
    }),
  );
  return out;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
