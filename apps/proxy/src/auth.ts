/**
 * `--api-key`: every route but `/health` and the dashboard's page and assets needs
 * `Authorization: Bearer <key>`. The dashboard's event stream checks the key itself (a header, or a
 * token the page got with the header: `dashboard/stream-tokens.ts`).
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { isPublicDashboardPath } from "./dashboard/paths.js";
import { ProxyError } from "./errors.js";

function digest(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

/** A checker of `Authorization` headers against the key (constant time). */
export function bearerChecker(apiKey: string): (header: unknown) => boolean {
  const want = digest(apiKey);
  return (header) => {
    const m = typeof header === "string" ? /^Bearer\s+(.+)$/i.exec(header) : null;
    return m !== null && timingSafeEqual(digest(m[1]!.trim()), want);
  };
}

export function bearerAuth(app: FastifyInstance, apiKey: string): void {
  const matches = bearerChecker(apiKey);
  app.addHook("onRequest", async (request) => {
    const path = request.url.split("?", 1)[0]!;
    if (path === `${app.prefix}/health`) return;
    if (isPublicDashboardPath(path.slice(app.prefix.length))) return;
    const header = request.headers.authorization;
    if (!matches(header)) {
      throw new ProxyError(
        401,
        header ? "invalid API key" : "missing API key: send Authorization: Bearer <key>",
        "unauthorized",
      );
    }
  });
}
