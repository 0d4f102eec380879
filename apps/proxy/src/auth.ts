/**
 * `--api-key`: every route but `/health` needs `Authorization: Bearer <key>`.
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { ProxyError } from "./errors.js";

function digest(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

export function bearerAuth(app: FastifyInstance, apiKey: string): void {
  const want = digest(apiKey);
  app.addHook("onRequest", async (request) => {
    const path = request.url.split("?", 1)[0];
    if (path === `${app.prefix}/health`) return;
    const header = request.headers.authorization;
    const m = typeof header === "string" ? /^Bearer\s+(.+)$/i.exec(header) : null;
    if (!m || !timingSafeEqual(digest(m[1]!.trim()), want)) {
      throw new ProxyError(
        401,
        header ? "invalid API key" : "missing API key: send Authorization: Bearer <key>",
        "unauthorized",
      );
    }
  });
}
