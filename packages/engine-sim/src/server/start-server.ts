/**
 * `startEngineServer`: build and listen (port 0 by default: a free port on loopback), for tests in
 * other packages and for embedding.
 * @module
 */
import { buildEngineServer, engineSimState, type EngineSimState } from "./build-server.js";
import type { EngineServerOptions } from "./options.js";
import type { FastifyInstance } from "fastify";

export interface StartedEngineServer {
  /** Base URL, e.g. `http://127.0.0.1:40123` (the OpenAI base URL is `${url}/v1`). */
  url: string;
  port: number;
  app: FastifyInstance;
  state: EngineSimState;
  close(): Promise<void>;
}

export async function startEngineServer(
  options: EngineServerOptions & { host?: string; port?: number } = {},
): Promise<StartedEngineServer> {
  const { host = "127.0.0.1", port = 0, ...rest } = options;
  const app = buildEngineServer(rest);
  await app.listen({ host, port });
  const addr = app.server.address();
  const bound = typeof addr === "object" && addr ? addr.port : port;
  const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return {
    url: `http://${shown.includes(":") ? `[${shown}]` : shown}:${bound}`,
    port: bound,
    app,
    state: engineSimState(app),
    close: async () => {
      await app.close();
    },
  };
}
