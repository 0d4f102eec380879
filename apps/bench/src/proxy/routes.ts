/**
 * The routes `pnpm bench:proxy --route` can load: the same small request in each wire format the
 * proxy serves (chat completions, completions, Responses, Anthropic Messages).
 * @module
 */

export const CHAT_PATH = "/v1/chat/completions";

export const BENCH_ROUTES = ["chat", "completions", "responses", "messages"] as const;
export type BenchRoute = (typeof BENCH_ROUTES)[number];

/** What one request asks for. */
export interface BenchRequest {
  model: string;
  text: string;
  maxTokens: number;
  stream: boolean;
  /** Program id (null: none, as the engine is loaded directly). */
  program: string | null;
}

const ROUTES: Record<
  BenchRoute,
  { path: string; body: (r: BenchRequest) => Record<string, unknown> }
> = {
  chat: {
    path: CHAT_PATH,
    body: (r) => ({
      messages: [{ role: "user", content: r.text }],
      max_tokens: r.maxTokens,
    }),
  },
  completions: {
    path: "/v1/completions",
    body: (r) => ({ prompt: r.text, max_tokens: r.maxTokens }),
  },
  responses: {
    path: "/v1/responses",
    body: (r) => ({ input: r.text, max_output_tokens: r.maxTokens }),
  },
  messages: {
    path: "/v1/messages",
    body: (r) => ({ messages: [{ role: "user", content: r.text }], max_tokens: r.maxTokens }),
  },
};

export function routePath(route: BenchRoute): string {
  return ROUTES[route].path;
}

/** The JSON body of `r` on `route`. */
export function routeBody(route: BenchRoute, r: BenchRequest): string {
  return JSON.stringify({
    model: r.model,
    ...ROUTES[route].body(r),
    ...(r.stream ? { stream: true } : {}),
    ...(r.program !== null ? { program_id: r.program } : {}),
  });
}
