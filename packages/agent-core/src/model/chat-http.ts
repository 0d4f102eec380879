/**
 * The HTTP side of the model adapter: one POST to `<base>/chat/completions` with undici's
 * `request` over a keep-alive pool shared by the process, its body read as a Node stream. This is
 * what the openai SDK did over `fetch`, at a fraction of the CPU per request (no Request/Response
 * objects, no WHATWG streams, no per-request header and log work), which matters with 128 agents
 * in one process. Failures are raised as the SDK raised them, so the retry policy and the
 * context-length check see the same errors: an HTTP error is `APIError.generate(status, body,
 * message, headers)` (vLLM ≤ 0.10.0's flat error bodies nested first), a failed connection
 * `APIConnectionError`, a request timeout `APIConnectionTimeoutError`, an abort
 * `APIUserAbortError`.
 * @module
 */
import OpenAI from "openai";
import type { APIError } from "openai/error";
import { Agent, type Dispatcher, request } from "undici";

/** The most of an error response's body kept for its message (a server may send any amount). */
export const ERROR_BODY_LIMIT = 64 * 1024;

let pool: Agent | undefined;

export interface ChatPost {
  /** The API base URL (`…/v1`). */
  baseUrl: string;
  apiKey: string;
  /** The request body, already JSON. */
  body: string;
  /** Time to wait for the response headers (the SDK's `timeout`); null = no limit. */
  timeoutMs: number | null;
  signal?: AbortSignal | undefined;
}

/** Sends the request; the response once its status is below 400, else the SDK's error. */
export async function postChat(post: ChatPost): Promise<Dispatcher.ResponseData> {
  const { signal } = post;
  let res: Dispatcher.ResponseData;
  try {
    res = await request(chatUrl(post.baseUrl), {
      method: "POST",
      body: post.body,
      headers: {
        accept: "application/json",
        "content-type": "application/json",
        authorization: `Bearer ${post.apiKey}`,
      },
      dispatcher: (pool ??= new Agent()),
      headersTimeout: headersTimeoutOf(post.timeoutMs),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    throw connectionError(error, signal);
  }
  if (res.statusCode >= 400) throw await statusError(res);
  return res;
}

/**
 * undici's `headersTimeout` for a request timeout: the timeout itself, or with none (the config's
 * default) 0, i.e. no limit. Not undici's (and Node fetch's) 300 s default: behind a
 * program-aware router a paused program's request may wait for its turn far longer than that
 * before the first byte, and cutting it there would retry it at the back of the queue.
 */
export function headersTimeoutOf(timeoutMs: number | null): number {
  return timeoutMs ?? 0;
}

/** `base` + `/chat/completions`, joined as the SDK joins them. */
function chatUrl(base: string): string {
  return base.endsWith("/") ? `${base}chat/completions` : `${base}/chat/completions`;
}

function connectionError(error: unknown, signal: AbortSignal | undefined): Error {
  if (signal?.aborted) return new OpenAI.APIUserAbortError();
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "UND_ERR_HEADERS_TIMEOUT") return new OpenAI.APIConnectionTimeoutError();
  return new OpenAI.APIConnectionError({ cause: error as Error });
}

async function statusError(res: Dispatcher.ResponseData): Promise<APIError> {
  const text = await boundedText(res.body, ERROR_BODY_LIMIT).catch(
    (e: unknown) => (e as Error).message,
  );
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  // vLLM ≤ 0.10.0 answers errors flat (`{"object":"error","message":…}`); the SDK reads `error`.
  const json = String(res.headers["content-type"] ?? "").includes("json");
  const flat =
    json && typeof body === "object" && body !== null && !("error" in body) && "message" in body;
  const nested = flat ? { error: body } : body;
  return OpenAI.APIError.generate(
    res.statusCode,
    nested as object | undefined,
    body ? undefined : text,
    responseHeaders(res),
  );
}

/** The body's first `limit` bytes as text (the rest is not read: the connection is dropped). */
async function boundedText(body: Dispatcher.ResponseData["body"], limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) {
      body.destroy();
      return `${Buffer.concat(chunks).subarray(0, limit).toString("utf8")}… (cut at ${limit} bytes)`;
    }
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The response's headers as a `Headers` (what the SDK's errors carry). */
export function responseHeaders(res: Pick<Dispatcher.ResponseData, "headers">): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined) headers.append(name, v);
    }
  }
  return headers;
}
