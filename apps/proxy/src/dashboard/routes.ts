/**
 * `GET /dashboard` (the page), `/dashboard/assets/*` (its scripts and styles, `@fastify/static`),
 * `POST /dashboard/token` (a one-time token for the stream, behind `--api-key`) and
 * `GET /dashboard/events` (server-sent events: `stream.ts`).
 * @module
 */
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { bearerChecker } from "../auth.js";
import type { ProxyContext } from "../context.js";
import { ProxyError } from "../errors.js";
import { loadUi } from "./assets.js";
import { attachFeed } from "./attach.js";
import { DASHBOARD_ASSETS, DASHBOARD_EVENTS, DASHBOARD_PATH, DASHBOARD_TOKEN } from "./paths.js";
import { StreamTokens } from "./stream-tokens.js";
import { DEFAULT_STREAM_LIMITS, DashboardStream, type StreamLimits } from "./stream.js";

/** Scripts, styles and data from the proxy only; no inline script, no CDN. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'";

const EventsQuery = z.object({
  token: z
    .string({ error: "token must be given once, as a string" })
    .min(1, "token must not be empty")
    .max(128, "token is at most 128 characters")
    .optional(),
});

export interface DashboardOptions {
  limits?: Partial<StreamLimits>;
  /** Seconds a stream token is good for. */
  tokenTtlS?: number;
}

export function dashboardRoutes(
  app: FastifyInstance,
  ctx: ProxyContext,
  opts: DashboardOptions = {},
): DashboardStream {
  const feed = attachFeed(ctx);
  const limits = { ...DEFAULT_STREAM_LIMITS, ...opts.limits };
  const stream = new DashboardStream(feed, ctx.now, limits, ctx.log);
  const tokens = new StreamTokens(opts.tokenTtlS ?? 30);
  const apiKey = ctx.config.apiKey;
  const keyMatches = apiKey !== null ? bearerChecker(apiKey) : () => true;

  pageRoutes(app);

  app.post(DASHBOARD_TOKEN, async () => {
    const issued = tokens.issue(ctx.now());
    if (!issued) {
      throw new ProxyError(
        429,
        "too many dashboard tokens outstanding; retry shortly",
        "dashboard_busy",
      );
    }
    return { token: issued.token, expires_in: issued.expiresIn };
  });

  app.get(DASHBOARD_EVENTS, async (request, reply) => {
    const query = EventsQuery.safeParse(request.query);
    if (!query.success) {
      throw new ProxyError(400, query.error.issues[0]!.message, "invalid_query", "token");
    }
    const token = query.data.token;
    const authorised =
      apiKey === null ||
      keyMatches(request.headers.authorization) ||
      (token !== undefined && tokens.consume(token, ctx.now()));
    if (!authorised) {
      throw new ProxyError(
        401,
        token !== undefined
          ? "invalid or expired dashboard token: get a new one from POST /dashboard/token"
          : "missing API key: send Authorization: Bearer <key>, or ?token= from POST /dashboard/token",
        "unauthorized",
      );
    }
    if (stream.full) {
      throw new ProxyError(
        503,
        `too many dashboard streams open (${limits.maxClients}); close one and retry`,
        "dashboard_busy",
      );
    }
    reply.hijack();
    stream.add(reply.raw);
  });

  app.addHook("onReady", async () => stream.start());
  app.addHook("preClose", async () => stream.stop());
  return stream;
}

/** The page (with a `<base>` for the app's prefix) and its hashed assets. */
function pageRoutes(app: FastifyInstance): void {
  const ui = loadUi(app.prefix);
  const page = async (_request: FastifyRequest, reply: FastifyReply) => {
    if (!ui) {
      throw new ProxyError(
        503,
        "the dashboard's page is not built: run `pnpm build` (apps/proxy) first",
        "dashboard_not_built",
      );
    }
    return reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .header("content-security-policy", CSP)
      .send(ui.html);
  };
  app.get(DASHBOARD_PATH, page);
  app.get(`${DASHBOARD_PATH}/`, page);
  if (ui) {
    void app.register(fastifyStatic, {
      root: join(ui.dir, "assets"),
      prefix: DASHBOARD_ASSETS,
      decorateReply: false,
      index: false,
      // The file names carry a content hash.
      maxAge: "365d",
      immutable: true,
    });
  }
}
