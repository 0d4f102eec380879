/**
 * After each instance the runner tells the router to drop the program's state:
 * `POST <base URL minus /v1>/programs/release {"program_id": …}`, with `Authorization: Bearer
 * <key>` when the router has an API key (`--router-api-key`). Best effort: a plain vLLM answers
 * 404/405 (fine), errors are logged and never fail the instance.
 * @module
 */
import { request } from "undici";

export function routerBaseUrl(apiBase: string): string {
  const trimmed = apiBase.replace(/\/+$/, "");
  return trimmed.endsWith("/v1") ? trimmed.slice(0, -3) : trimmed;
}

export type ReleaseOutcome =
  | { kind: "released"; status: number }
  | { kind: "not_supported"; status: number }
  | { kind: "failed"; message: string };

export interface ReleaseOptions {
  /** The router's API key, sent as a bearer token. */
  apiKey?: string | undefined;
  timeoutMs?: number;
}

export async function releaseProgram(
  apiBase: string,
  programId: string,
  options: ReleaseOptions = {},
): Promise<ReleaseOutcome> {
  const url = `${routerBaseUrl(apiBase)}/programs/release`;
  const timeoutMs = options.timeoutMs ?? 5000;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.apiKey) headers["authorization"] = `Bearer ${options.apiKey}`;
  try {
    const res = await request(url, {
      method: "POST",
      headers,
      body: JSON.stringify({ program_id: programId }),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await res.body.text();
    if (res.statusCode === 404 || res.statusCode === 405)
      return { kind: "not_supported", status: res.statusCode };
    if (res.statusCode >= 400)
      return { kind: "failed", message: `HTTP ${res.statusCode}: ${text.slice(0, 200)}` };
    return { kind: "released", status: res.statusCode };
  } catch (error) {
    return { kind: "failed", message: (error as Error).message };
  }
}
