/**
 * A backend whose behaviour a test changes while it runs (reliability tests): `/health` answers
 * `healthStatus`, `/metrics` a small vLLM scrape, and every other request goes to `handle`
 * (default: a small chat answer with usage). Counts the data-plane requests it got.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface FaultUpstream {
  url: string;
  healthStatus: number;
  /** KV blocks of 16 tokens the scrape reports (the Router's capacity). */
  gpuBlocks: number;
  handle: Handler;
  hits: number;
  close(): Promise<void>;
}

export const CHAT_ANSWER = JSON.stringify({
  id: "chatcmpl-f",
  object: "chat.completion",
  created: 1,
  model: "fault",
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: "ok" },
      finish_reason: "stop",
      logprobs: null,
    },
  ],
  usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
});

export const answerOk: Handler = (_req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(CHAT_ANSWER);
};

export const answerStatus =
  (status: number): Handler =>
  (_req, res) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: `status ${status}`, code: status } }));
  };

/** Never answers (the socket stays open until the server closes). */
export const stall: Handler = () => {};

const metrics = (blocks: number) =>
  `vllm:num_requests_running{engine="0",model_name="f"} 0.0\nvllm:kv_cache_usage_perc{engine="0",model_name="f"} 0.0\nvllm:cache_config_info{block_size="16",engine="0",num_gpu_blocks="${blocks}"} 1.0\n`;

export async function startFaultUpstream(handle: Handler = answerOk): Promise<FaultUpstream> {
  const sockets = new Set<Socket>();
  const state: FaultUpstream = {
    url: "",
    healthStatus: 200,
    gpuBlocks: 10_000,
    handle,
    hits: 0,
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (p: Buffer) => parts.push(p));
    req.on("end", () => {
      if (req.url === "/health") {
        res.writeHead(state.healthStatus);
        return res.end();
      }
      if (req.url === "/metrics") {
        res.writeHead(200, { "content-type": "text/plain" });
        return res.end(metrics(state.gpuBlocks));
      }
      state.hits++;
      state.handle(req, res, Buffer.concat(parts).toString("utf8"));
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return state;
}
