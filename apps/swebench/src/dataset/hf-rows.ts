/**
 * Hugging Face datasets through the datasets-server rows API
 * (`/rows?dataset=&config=&split=&offset=&length=`), paged 100 rows at a time, with `HF_TOKEN`
 * as a bearer token, and cached on disk (one JSON file per dataset/config/split) so later runs
 * need no network.
 *
 * The server is `HF_DATASETS_SERVER_URL` when set; else, with `HF_ENDPOINT` set to a mirror, the
 * mirror itself (mirrors proxy the same routes); else https://datasets-server.huggingface.co.
 * @module
 */
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { writeFileAtomic } from "../atomic-write.js";
import { SwebenchError } from "../errors.js";

export interface HfRowsOptions {
  dataset: string;
  split: string;
  config?: string;
  env?: Record<string, string | undefined>;
  cacheDir?: string;
  /** Page size (the server caps it at 100). */
  pageSize?: number;
  onProgress?: (loaded: number, total: number | null) => void;
}

export function datasetsServerUrl(env: Record<string, string | undefined>): string {
  const explicit = env["HF_DATASETS_SERVER_URL"];
  if (explicit) return explicit.replace(/\/+$/, "");
  const endpoint = env["HF_ENDPOINT"];
  if (endpoint && !/^https?:\/\/(www\.)?huggingface\.co\/?$/.test(endpoint)) {
    return endpoint.replace(/\/+$/, "");
  }
  return "https://datasets-server.huggingface.co";
}

export function defaultCacheDir(env: Record<string, string | undefined>): string {
  const base = env["XDG_CACHE_HOME"] || join(homedir(), ".cache");
  return join(base, "thunderagent", "datasets");
}

export function cacheFile(
  cacheDir: string,
  dataset: string,
  config: string,
  split: string,
): string {
  const safe = `${dataset}__${config}__${split}`.replace(/[^\w.-]+/g, "_");
  return join(cacheDir, `${safe}.json`);
}

export async function loadHfRows(options: HfRowsOptions): Promise<unknown[]> {
  const env = options.env ?? process.env;
  const config = options.config ?? "default";
  const cache = cacheFile(
    options.cacheDir ?? defaultCacheDir(env),
    options.dataset,
    config,
    options.split,
  );
  try {
    return JSON.parse(await readFile(cache, "utf8")) as unknown[];
  } catch {
    // not cached yet
  }
  const base = datasetsServerUrl(env);
  const token = env["HF_TOKEN"] ?? env["HUGGING_FACE_HUB_TOKEN"];
  const pageSize = options.pageSize ?? 100;
  const rows: unknown[] = [];
  let total: number | null = null;
  for (let offset = 0; total === null || offset < total; offset += pageSize) {
    const url = new URL(`${base}/rows`);
    url.search = new URLSearchParams({
      dataset: options.dataset,
      config,
      split: options.split,
      offset: String(offset),
      length: String(pageSize),
    }).toString();
    const page = await fetchPage(url, token);
    total = typeof page.num_rows_total === "number" ? page.num_rows_total : null;
    const got = (page.rows ?? []).map((r) => r.row);
    rows.push(...got);
    options.onProgress?.(rows.length, total);
    if (got.length === 0 || (total === null && got.length < pageSize)) break;
  }
  await writeFileAtomic(cache, JSON.stringify(rows));
  return rows;
}

interface RowsPage {
  rows?: Array<{ row: unknown }>;
  num_rows_total?: number;
}

async function fetchPage(url: URL, token: string | undefined): Promise<RowsPage> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (token) headers["authorization"] = `Bearer ${token}`;
  let lastError = "";
  for (let attempt = 1; attempt <= 6; attempt++) {
    try {
      const res = await request(url, { headers, headersTimeout: 60_000, bodyTimeout: 120_000 });
      const text = await res.body.text();
      if (res.statusCode === 200) return JSON.parse(text) as RowsPage;
      lastError = `HTTP ${res.statusCode}: ${text.slice(0, 300)}`;
      if (res.statusCode !== 429 && res.statusCode < 500) break;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** attempt)));
  }
  throw new SwebenchError(
    "dataset_unavailable",
    `datasets-server ${url.toString()}: ${lastError}`,
    {
      retryable: true,
    },
  );
}
