/** What the browser tests feed the proxy, and how they measure the page. */
import { tokenizeChat } from "@thunderagent/engine-sim";
import type { Page } from "playwright-core";
import type { RunningProxy } from "../helpers/harness.js";

/** A user message whose chat prompt is exactly `tokens` tokens for engine-sim. */
export function messagesOf(tokens: number, seed: string) {
  let content = `${seed} `;
  while (tokenizeChat([{ role: "user", content: `${content}lorem ` }]).length <= tokens)
    content += "lorem ";
  return [{ role: "user", content }];
}

let seq = 0;
function step(proxy: RunningProxy, programId: string, tokens: number): void {
  const { router, now } = proxy.ctx;
  const requestId = `fx-${++seq}`;
  const t = now();
  const d = router.arrive({ requestId, programId, payloadChars: tokens * 4 }, t);
  if (d.kind === "wait") return router.cancelPending(requestId, t);
  router.forwarded(requestId, t);
  router.complete(
    requestId,
    { promptTokens: tokens, completionTokens: 0, totalTokens: tokens, cachedTokens: null },
    t,
  );
}

/**
 * `n` programs `prog-00000…` registered in the proxy's Router as the chat route would (arrive,
 * forwarded, complete: no engine round trip, so 10,000 take well under a second), then a few
 * of them take a step every 250 ms so deltas keep coming. Returns the stop function.
 */
export function populate(proxy: RunningProxy, _backend: string, n: number): () => void {
  const ids = Array.from({ length: n }, (_, i) => `prog-${String(i).padStart(5, "0")}`);
  ids.forEach((id, i) => step(proxy, id, 40 + ((i * 37) % 160)));
  let k = 0;
  const timer = setInterval(() => {
    const view = proxy.ctx.router.programsView();
    for (let j = 0; j < 20; j++) {
      const id = ids[(k = (k * 7919 + 13) % n)]!;
      if (view[id]?.state === "active") step(proxy, id, 60 + j);
    }
  }, 250);
  return () => clearInterval(timer);
}

export interface FrameStats {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

/**
 * In the page: scroll the table top to bottom over 90 animation frames, resolve to the frame
 * times. A string, so no transpiler helper (esbuild's __name) leaks into the page.
 */
const SCROLL_SCRIPT = `new Promise((resolve) => {
  const el = document.querySelector('[data-testid="programs-scroll"]');
  const out = [];
  const total = 90;
  let i = 0;
  let last = performance.now();
  const frame = (now) => {
    out.push(now - last);
    last = now;
    el.scrollTop = ((el.scrollHeight - el.clientHeight) * i) / (total - 1);
    i++;
    if (i <= total) requestAnimationFrame(frame);
    else resolve(out.slice(1));
  };
  requestAnimationFrame(frame);
})`;

/** Scrolls the program table top to bottom over 90 animation frames; frame times in ms. */
export async function scrollFrames(page: Page): Promise<FrameStats> {
  const times = (await page.evaluate(SCROLL_SCRIPT)) as number[];
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return { n: times.length, p50: at(0.5), p95: at(0.95), max: Math.round(sorted.at(-1)!) };
}
