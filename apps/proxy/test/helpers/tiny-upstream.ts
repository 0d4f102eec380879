/**
 * A minimal vLLM-shaped upstream for the cases engine-sim cannot produce on purpose: a stream
 * that breaks half-way (the socket is destroyed), an in-stream error chunk, an error status, an
 * engine that never answers, a JSON answer cut half-way.
 * Everything else in the tests runs against engine-sim.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type TinyMode =
  | "ok"
  | "break-mid-stream"
  | "error-chunk"
  | "status-500"
  /** Reads the request and never answers. */
  | "stall"
  /** Announces a JSON body, sends half of it, then drops the connection. */
  | "break-mid-body"
  /** Streams 64 MiB of content chunks as fast as the reader takes them. */
  | "big-stream";

export interface TinyUpstream {
  url: string;
  mode: TinyMode;
  received: unknown[];
  /** Bytes of "big-stream" written so far (it waits for "drain" when the reader is full). */
  bigStreamSent: number;
  close(): Promise<void>;
}

const chunk = (content: string) =>
  `data: {"id":"chatcmpl-t","object":"chat.completion.chunk","created":1,"model":"tiny","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"logprobs":null,"finish_reason":null}]}\n\n`;

export const BIG_STREAM_BYTES = 64 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const p of req) parts.push(p as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

export async function startTinyUpstream(
  mode: TinyMode = "ok",
  numGpuBlocks = 10_000,
): Promise<TinyUpstream> {
  const state: TinyUpstream = {
    url: "",
    mode,
    received: [],
    bigStreamSent: 0,
    close: async () => {},
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = await readBody(req);
      if (req.url === "/health") return res.end();
      if (req.url === "/metrics") {
        res.setHeader("content-type", "text/plain");
        return res.end(
          `vllm:num_requests_running{engine="0",model_name="tiny"} 0.0\nvllm:kv_cache_usage_perc{engine="0",model_name="tiny"} 0.0\nvllm:cache_config_info{block_size="16",engine="0",num_gpu_blocks="${numGpuBlocks}"} 1.0\n`,
        );
      }
      state.received.push(JSON.parse(body));
      if (state.mode === "status-500") {
        res.writeHead(500, { "content-type": "application/json" });
        return res.end(
          '{"error":{"message":"engine dead","type":"InternalServerError","param":null,"code":500}}',
        );
      }
      if (state.mode === "stall") return;
      if (state.mode === "big-stream") {
        res.writeHead(200, { "content-type": "text/event-stream" });
        const piece = chunk("x".repeat(1024));
        for (state.bigStreamSent = 0; state.bigStreamSent < BIG_STREAM_BYTES;) {
          state.bigStreamSent += piece.length;
          if (!res.write(piece)) await new Promise((r) => res.once("drain", r));
        }
        res.write(
          'data: {"id":"chatcmpl-t","object":"chat.completion.chunk","created":1,"model":"tiny","choices":[],"usage":{"prompt_tokens":5,"total_tokens":9,"completion_tokens":4}}\n\n',
        );
        return res.end("data: [DONE]\n\n");
      }
      if (state.mode === "break-mid-body") {
        res.writeHead(200, { "content-type": "application/json", "content-length": "400" });
        res.write('{"id":"chatcmpl-t","object":"chat.completion","choices":[');
        await new Promise((r) => setTimeout(r, 50));
        res.socket?.destroy();
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(chunk("a"));
      res.write(chunk("b"));
      if (state.mode === "break-mid-stream") {
        await new Promise((r) => setTimeout(r, 50));
        res.socket?.destroy();
        return;
      }
      if (state.mode === "error-chunk") {
        res.write(
          'data: {"error":{"message":"oom","type":"InternalServerError","param":null,"code":500}}\n\n',
        );
        return res.end("data: [DONE]\n\n");
      }
      res.write(
        'data: {"id":"chatcmpl-t","object":"chat.completion.chunk","created":1,"model":"tiny","choices":[],"usage":{"prompt_tokens":5,"total_tokens":7,"completion_tokens":2}}\n\n',
      );
      res.end("data: [DONE]\n\n");
    })();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}
