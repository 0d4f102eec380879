/**
 * Raw metric scrapes of a cell: each engine's `/metrics` (and the router's) as the text it
 * served, once when the runners start and once when the window closes, in `<cell>/scrapes/`.
 * A failed scrape is written as a one-line note instead; it never fails the cell.
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "@thunderagent/swebench";
import { request } from "undici";
import type { SystemPlan } from "../plan-types.js";

async function scrapeText(url: string): Promise<string> {
  try {
    const res = await request(`${url}/metrics`, { headersTimeout: 5_000, bodyTimeout: 10_000 });
    const text = await res.body.text();
    return res.statusCode === 200 ? text : `# ${url}/metrics answered HTTP ${res.statusCode}\n`;
  } catch (err) {
    return `# ${url}/metrics failed: ${(err as Error).message}\n`;
  }
}

export async function saveScrapes(dir: string, sys: SystemPlan, when: "start" | "end") {
  const targets = sys.engineUrls.map((url, i) => ({ name: `engine-${i}`, url }));
  const router = sys.proxy?.health?.url.replace(/\/health$/, "");
  if (router) targets.push({ name: "router", url: router });
  await Promise.all(
    targets.map(async (t) =>
      writeFileAtomic(join(dir, "scrapes", `${t.name}-${when}.prom`), await scrapeText(t.url)),
    ),
  );
}
