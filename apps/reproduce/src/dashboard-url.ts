/**
 * The router's live dashboard (`GET /dashboard` on our proxy), named in the log once the router
 * answers /health, when it serves one (the Python original does not). Best effort, 2 s.
 * @module
 */
import { request } from "undici";

/** `<root>/dashboard` for the router whose health URL is `healthUrl`, or null. */
export async function dashboardUrl(healthUrl: string, timeoutMs = 2000): Promise<string | null> {
  const url = healthUrl.replace(/\/health$/, "/dashboard");
  try {
    const res = await request(url, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    await res.body.dump();
    const html = String(res.headers["content-type"] ?? "").startsWith("text/html");
    return res.statusCode === 200 && html ? url : null;
  } catch {
    return null;
  }
}
