/**
 * When a ThunderAgent router is in front of the model (its `GET /health` names a `router_mode`),
 * the URL of its live dashboard (`<router>/dashboard`), printed once above the progress view.
 * Best effort: a plain vLLM, an error or a slow answer (2 s) is null.
 * @module
 */
import { request } from "undici";
import { z } from "zod";
import { routerBaseUrl } from "../run/release-program.js";

const RouterHealth = z.looseObject({ router_mode: z.string() });

export async function routerDashboardUrl(
  apiBase: string,
  timeoutMs = 2000,
): Promise<string | null> {
  const root = routerBaseUrl(apiBase);
  try {
    const res = await request(`${root}/health`, {
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) return null;
    return RouterHealth.safeParse(JSON.parse(text)).success ? `${root}/dashboard` : null;
  } catch {
    return null;
  }
}
