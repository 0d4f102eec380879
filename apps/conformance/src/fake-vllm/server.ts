/**
 * A scripted fake vLLM on loopback: `/metrics` with the values the scenario sets, `/health`,
 * `/v1/models`, and `/v1/chat/completions` whose answer is HELD until the scenario releases it.
 * Each chat request carries its scenario id as a `<id>` tag in its last message, so the fake
 * knows which scripted request reached it (the routers strip `program_id` before forwarding).
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ConformanceError } from "../errors.js";
import type { BackendSpec, MetricValues, UsageSpec } from "../scenario.js";
import { initialMetrics, metricsText, type FakeMetrics } from "./metrics.js";
import * as sse from "./sse.js";

export interface Arrival {
  /** The scenario's request id. */
  id: string;
  stream: boolean;
  /** Top-level keys of the body the router sent upstream, sorted. */
  keys: string[];
  /** stream_options as received (the routers ask for usage on streams). */
  streamOptions: unknown;
}

interface Held {
  arrival: Arrival;
  res: ServerResponse;
}

const TAG = /<([A-Za-z0-9_.-]+)>/;

export class FakeVllm {
  readonly metrics: FakeMetrics;
  /** The HTTP status `/metrics` answers (anything but 200: no body, a failed scrape). */
  metricsStatus: number;
  readonly arrivals: Arrival[] = [];
  readonly #held = new Map<string, Held>();
  readonly #server: Server;
  #completed = 0;
  url = "";

  constructor(initial: BackendSpec) {
    this.metrics = initialMetrics(initial);
    this.metricsStatus = initial.metricsStatus ?? 200;
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  async listen(): Promise<this> {
    await new Promise<void>((r) => this.#server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  set(values: MetricValues): void {
    for (const [k, v] of Object.entries(values)) {
      if (v !== undefined) (this.metrics as Record<string, number>)[k] = v;
    }
  }

  isHeld(id: string): boolean {
    return this.#held.has(id);
  }

  /** Sends `n` content chunks of a held stream, keeping it open. */
  streamChunks(id: string, n: number): void {
    const h = this.#take(id, false);
    if (!h.arrival.stream)
      throw new ConformanceError("invalid_step", `request ${id} is not a stream`);
    for (let i = 0; i < n; i++) h.res.write(sse.contentChunk(id));
  }

  /** Answers a held request: for streams `chunks` content chunks, then usage (unless null). */
  complete(id: string, usage: UsageSpec | null, chunks: number): void {
    const h = this.#take(id, true);
    this.#completed++;
    if (!h.arrival.stream) {
      h.res.writeHead(200, { "content-type": "application/json" });
      h.res.end(sse.completionBody(id, usage));
      return;
    }
    for (let i = 0; i < chunks; i++) h.res.write(sse.contentChunk(id));
    h.res.write(sse.finishChunk(id));
    if (usage !== null) h.res.write(sse.usageChunk(id, usage));
    h.res.end(sse.DONE);
  }

  async close(): Promise<void> {
    for (const h of this.#held.values()) h.res.destroy();
    this.#held.clear();
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }

  #take(id: string, remove: boolean): Held {
    const h = this.#held.get(id);
    if (!h) throw new ConformanceError("invalid_step", `request ${id} is not held by ${this.url}`);
    if (remove) this.#held.delete(id);
    return h;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parts: Buffer[] = [];
    for await (const p of req) parts.push(p as Buffer);
    const path = (req.url ?? "/").split("?", 1)[0];
    if (path === "/health") return void res.writeHead(200).end();
    if (path === "/metrics") {
      if (this.metricsStatus !== 200) return void res.writeHead(this.metricsStatus).end();
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      return void res.end(metricsText(this.metrics, this.#completed));
    }
    if (path === "/v1/models") {
      res.writeHead(200, { "content-type": "application/json" });
      const model = {
        id: "conformance",
        object: "model",
        created: 1_700_000_000,
        owned_by: "vllm",
      };
      return void res.end(JSON.stringify({ object: "list", data: [model] }));
    }
    if (path !== "/v1/chat/completions" || req.method !== "POST") {
      res.writeHead(404, { "content-type": "application/json" });
      return void res.end('{"detail":"Not Found"}');
    }
    this.#chat(Buffer.concat(parts).toString("utf8"), res);
  }

  #chat(text: string, res: ServerResponse): void {
    const body = JSON.parse(text) as Record<string, unknown>;
    const id = TAG.exec(text)?.[1];
    if (id === undefined) {
      res.writeHead(400, { "content-type": "application/json" });
      return void res.end('{"error":{"message":"no <id> tag","code":400}}');
    }
    const arrival: Arrival = {
      id,
      stream: body["stream"] === true,
      keys: Object.keys(body).sort(),
      streamOptions: body["stream_options"] ?? null,
    };
    this.arrivals.push(arrival);
    this.#held.set(id, { arrival, res });
    if (arrival.stream) {
      // vLLM sends the headers and the role chunk at once; the tokens come later.
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
      res.write(sse.roleChunk(id));
    }
  }
}

export async function startFakeVllm(initial: BackendSpec) {
  return new FakeVllm(initial).listen();
}
