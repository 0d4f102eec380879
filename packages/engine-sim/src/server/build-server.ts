/**
 * The simulated vLLM server as a Fastify app (not listening): `/v1/chat/completions`,
 * `/v1/completions`, `/v1/responses`, Anthropic's `/v1/messages`, `/health`,
 * `/ping`, `/version`, `/v1/models`, `/metrics`, and the simulator-only `/debug/last-requests`.
 * @module
 */
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from "fastify";
import { type ChatMessageLike, tokenizeChat } from "../chat/render-chat.js";
import { tokenizeText } from "../chat/tokenize.js";
import { EngineModel } from "../model/engine-model.js";
import { EngineSimError } from "../model/errors.js";
import { ScriptedModel } from "../scripted/scripted-model.js";
import { registerChatRoute } from "./chat-route.js";
import { registerCompletionsRoute } from "./completions-route.js";
import { EngineDriver } from "./driver.js";
import { VllmHttpError } from "./errors.js";
import { registerMessagesRoute } from "./messages-route.js";
import { renderVllmMetrics } from "./metrics-text.js";
import {
  resolveServerOptions,
  type EngineServerOptions,
  type ResolvedServerOptions,
} from "./options.js";
import { RequestLog } from "./request-log.js";
import { registerResponsesRoute } from "./responses-route.js";
import { openAIError } from "@thunderagent/protocol";

/** What a built server runs on (for tests and embedding). */
export interface EngineSimState {
  options: ResolvedServerOptions;
  model: EngineModel;
  driver: EngineDriver;
  requestLog: RequestLog;
}

const states = new WeakMap<FastifyInstance, EngineSimState>();

/** The engine, driver and request log behind a server built by {@link buildEngineServer}. */
export function engineSimState(app: FastifyInstance): EngineSimState {
  const s = states.get(app);
  if (!s) throw new EngineSimError("not_engine_sim_server", "not an engine-sim server");
  return s;
}

export function buildEngineServer(options: EngineServerOptions = {}): FastifyInstance {
  const resolved = resolveServerOptions(options);
  const app = Fastify({
    logger: (options.logger ?? false) as boolean,
    bodyLimit: resolved.bodyLimit,
    logController: new LogController({ disableRequestLogging: true }),
  });
  const model = new EngineModel(resolved.engine);
  const driver = new EngineDriver(model, {
    timeScale: resolved.timeScale,
    instant: resolved.instant,
  });
  const requestLog = new RequestLog(resolved.requestLogSize);
  const scripted = new ScriptedModel({ ...options.scripted, seed: resolved.seed });
  const state: EngineSimState = { options: resolved, model, driver, requestLog };
  states.set(app, state);
  const createdAt = Date.now() / 1000;

  app.setErrorHandler((err, _request, reply) => {
    if (err instanceof VllmHttpError) return reply.code(err.status).send(err.body());
    const e = err as { statusCode?: number; message?: string };
    const status = e.statusCode && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500;
    if (status >= 500) app.log.error(err);
    return reply.code(status).send(openAIError(status, e.message ?? "internal error"));
  });
  // FastAPI answers unknown routes with {"detail":"Not Found"}.
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ detail: "Not Found" }));
  app.addHook("onClose", async () => driver.close());

  registerInfoRoutes(app, state, createdAt);
  registerDebugRoutes(app, state);
  registerTokenizeRoute(app, resolved);
  const generation = { options: resolved, driver, scripted, requestLog };
  registerChatRoute(app, generation);
  registerCompletionsRoute(app, generation);
  registerResponsesRoute(app, generation);
  registerMessagesRoute(app, generation);
  return app;
}

/** `/health`, `/ping`, `/version`, `/v1/models` and `/metrics`: what a vLLM answers about itself. */
function registerInfoRoutes(app: FastifyInstance, state: EngineSimState, createdAt: number): void {
  const { options: resolved, model } = state;
  const health = (_req: unknown, reply: FastifyReply) => reply.code(200).send();
  app.get("/health", health);
  app.get("/ping", health);
  app.post("/ping", health);
  app.get("/version", async () => ({ version: resolved.version }));
  app.get("/v1/models", async () => modelList(resolved, createdAt));
  app.get("/metrics", async (_req, reply) => {
    reply.header("content-type", "text/plain; version=0.0.4; charset=utf-8");
    return renderVllmMetrics(model.snapshot(), {
      modelName: resolved.servedModelNames[0]!,
      createdAt,
      gpuMemoryUtilization: 0.9,
    });
  });
}

/** The `/v1/models` body: one entry per served model name, as vLLM's OpenAI server lists them. */
function modelList(resolved: ResolvedServerOptions, createdAt: number) {
  return {
    object: "list",
    data: resolved.servedModelNames.map((name) => ({
      id: name,
      object: "model",
      created: Math.floor(createdAt),
      owned_by: "vllm",
      root: resolved.model,
      parent: null,
      max_model_len: resolved.engine.maxModelLen,
      permission: [
        {
          id: `modelperm-${name.replace(/[^a-zA-Z0-9]/g, "")}`,
          object: "model_permission",
          created: Math.floor(createdAt),
          allow_create_engine: false,
          allow_sampling: true,
          allow_logprobs: true,
          allow_search_indices: false,
          allow_view: true,
          allow_fine_tuning: false,
          organization: "*",
          group: null,
          is_blocking: false,
        },
      ],
    })),
  };
}

/** The simulator-only `/debug/*` routes: the request log and the engine's clock and counters. */
function registerDebugRoutes(app: FastifyInstance, state: EngineSimState): void {
  const { options: resolved, model, driver, requestLog } = state;
  // The last request bodies received, oldest first (`?n=` to limit).
  app.get("/debug/last-requests", async (request) => {
    const q = request.query as { n?: string };
    const n = q.n !== undefined ? Math.max(0, Number.parseInt(q.n, 10) || 0) : undefined;
    return { requests: requestLog.last(n) };
  });
  // The simulated clock and the engine's counters (what /metrics renders, as JSON).
  app.get("/debug/engine", async () => ({
    simTimeS: driver.simNow(),
    timeScale: resolved.instant ? null : resolved.timeScale,
    instant: resolved.instant,
    counters: model.snapshot(),
  }));
  app.delete("/debug/last-requests", async () => {
    requestLog.clear();
    return { cleared: true };
  });
}

/** vLLM's POST /tokenize: {prompt} or {messages[, add_generation_prompt]} → the simulated token ids. */
function registerTokenizeRoute(app: FastifyInstance, resolved: ResolvedServerOptions): void {
  app.post("/tokenize", async (request) => {
    const b = (request.body ?? {}) as Record<string, unknown>;
    if (typeof b["model"] === "string" && !resolved.servedModelNames.includes(b["model"])) {
      throw new VllmHttpError(
        404,
        `The model \`${b["model"]}\` does not exist.`,
        "NotFoundError",
        "model",
      );
    }
    let tokens: Uint32Array;
    if (Array.isArray(b["messages"])) {
      tokens = tokenizeChat(b["messages"] as ChatMessageLike[], {
        addGenerationPrompt: b["add_generation_prompt"] !== false,
      });
    } else if (typeof b["prompt"] === "string") {
      tokens = tokenizeText(b["prompt"]);
    } else {
      throw new VllmHttpError(
        400,
        "Either `prompt` or `messages` must be given.",
        "BadRequestError",
      );
    }
    return {
      count: tokens.length,
      max_model_len: resolved.engine.maxModelLen,
      tokens: Array.from(tokens),
      token_strs: null,
    };
  });
}
