import {
  startEngineServer,
  type EngineServerOptions,
  type StartedEngineServer,
} from "../../src/index.js";

export const MODEL = "glm-4.6";

export async function start(options: EngineServerOptions = {}): Promise<StartedEngineServer> {
  return startEngineServer({
    servedModelNames: [MODEL],
    instant: true,
    ...(options.numGpuBlocks === undefined ? { kvTokens: 200_000 } : {}),
    maxModelLen: 32_768,
    ...options,
  });
}

export function chat(extra: Record<string, unknown> = {}, messages?: unknown[]) {
  return {
    model: MODEL,
    messages: messages ?? [
      { role: "system", content: "You are a helpful assistant that can interact with a computer." },
      { role: "user", content: "<pr_description>Fix the bug in parse_date()</pr_description>" },
    ],
    ...extra,
  };
}

export async function post(url: string, body: unknown, init: RequestInit = {}) {
  return fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    ...init,
  });
}

/** Parses an SSE body into its `data:` payloads, checking the framing strictly. */
export function sseEvents(text: string): string[] {
  const parts = text.split("\n\n");
  if (parts.pop() !== "") throw new Error("stream does not end with a blank line");
  return parts.map((p) => {
    if (!p.startsWith("data: ") || p.includes("\n"))
      throw new Error(`bad frame: ${JSON.stringify(p)}`);
    return p.slice(6);
  });
}
