/**
 * The README's screenshot (docs/images/dashboard.png): engine-sim ×2 (small KV) behind the proxy,
 * 16 agent programs looping over chat steps with growing contexts and tool pauses, releasing
 * after a few steps, so some are paused; after `SECONDS` headless Chromium photographs the page.
 * Run: cd apps/proxy && node --conditions=@thunderagent/source --import tsx \
 *   test/dashboard/screenshot.ts [out.png] [seconds]
 * (needs the page built: pnpm build, or any dashboard test run first).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { request } from "undici";
import { launchChromium } from "../helpers/browser.js";
import { MODEL, startEngine } from "../helpers/engines.js";
import { startProxy } from "../helpers/harness.js";
import { messagesOf } from "./browser-fixtures.js";
import { buildUiOnce } from "./ui-build.js";

const OUT = process.argv[2] ?? "../../docs/images/dashboard.png";
const SECONDS = Number(process.argv[3] ?? 90);

await buildUiOnce();
const engines = await Promise.all(
  [0, 1].map(() => startEngine({ kvTokens: 14_000, instant: false, timeScale: 0.1 })),
);
const proxy = await startProxy(
  {
    backends: engines.map((e) => e.url),
    router: "tr",
    schedulerInterval: 1,
    metrics: true,
    metricsInterval: 1,
    healthInterval: 1,
  },
  { timers: true },
);
let running = true;
async function agent(n: number): Promise<void> {
  for (let gen = 0; running; gen++) {
    const id = `agent-${String(n).padStart(2, "0")}-${gen}`;
    const steps = 6 + ((n * 7 + gen) % 8);
    let messages = messagesOf(400 + ((n * 131) % 600), id);
    for (let s = 0; s < steps && running; s++) {
      const res = await request(`${proxy.url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({ model: MODEL, max_tokens: 64, program_id: id, messages }),
      });
      await res.body.text();
      messages = [
        ...messages,
        { role: "assistant", content: "ok" },
        ...messagesOf(250, `${id} ${s}`),
      ];
      await sleep(400 + ((n * 97 + s * 31) % 1200));
    }
    await request(`${proxy.url}/programs/release`, {
      method: "POST",
      body: JSON.stringify({ program_id: id }),
    }).then((r) => r.body.text());
  }
}
const agents = Array.from({ length: 16 }, (_, i) => agent(i).catch(() => {}));
await sleep(SECONDS * 1000);
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
await page.goto(`${proxy.url}/dashboard`);
await page.locator('[data-testid="link-status"]', { hasText: "live" }).waitFor();
await sleep(1500);
await page.screenshot({ path: OUT, fullPage: true });
process.stdout.write(`wrote ${OUT}\n`);
running = false;
await browser.close();
await Promise.race([Promise.all(agents), sleep(5000)]);
await proxy.close();
await Promise.all(engines.map((e) => e.close()));
