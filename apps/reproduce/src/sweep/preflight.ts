/**
 * Checks before a long cell starts, so that a dead URL refuses in seconds instead of after a
 * 70-minute window: each backend answers `/health` and lists the served model in `/v1/models`,
 * the router answers `/health`, and the Docker host the sandboxes need answers `/_ping`. A failed
 * check is a {@link PreflightError} (the command exits 2).
 * @module
 */
import { Agent, request, type Dispatcher } from "undici";
import { ReproduceError } from "../errors.js";

export class PreflightError extends ReproduceError {
  override readonly name: string = "PreflightError";
  constructor(message: string) {
    super("preflight", message);
  }
}

const TIMEOUT_MS = 5_000;

async function get(
  url: string,
  dispatcher?: Dispatcher,
): Promise<{ status: number; body: string } | { error: string }> {
  try {
    const res = await request(url, {
      method: "GET",
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
      ...(dispatcher ? { dispatcher } : {}),
    });
    return { status: res.statusCode, body: await res.body.text() };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return { error: e.code ?? e.message ?? String(err) };
  }
}

function describe(r: { status: number } | { error: string }): string {
  return "error" in r ? r.error : `HTTP ${r.status}`;
}

/** The backend answers /health and serves `model` (its /v1/models lists it). */
export async function checkBackend(url: string, model: string): Promise<void> {
  const h = await get(`${url}/health`);
  if ("error" in h || h.status !== 200) {
    throw new PreflightError(`backend ${url} does not answer /health (${describe(h)})`);
  }
  const m = await get(`${url}/v1/models`);
  if ("error" in m || m.status !== 200) {
    throw new PreflightError(`backend ${url} does not answer /v1/models (${describe(m)})`);
  }
  let ids: string[] = [];
  try {
    const data = (JSON.parse(m.body) as { data?: { id?: unknown }[] }).data ?? [];
    ids = data.map((d) => String(d.id));
  } catch {
    throw new PreflightError(`backend ${url}: /v1/models is not JSON`);
  }
  if (!ids.includes(model)) {
    throw new PreflightError(
      `backend ${url} does not serve ${model} (it serves ${ids.join(", ") || "nothing"}); --served-model-name names what the runner asks for`,
    );
  }
}

export async function checkRouter(url: string): Promise<void> {
  const h = await get(`${url}/health`);
  if ("error" in h || h.status !== 200) {
    throw new PreflightError(`the router at ${url} does not answer /health (${describe(h)})`);
  }
}

/** Where the Docker API is: DOCKER_HOST (unix:// or tcp://), else the default socket. */
export function dockerEndpoint(env: NodeJS.ProcessEnv): { url: string; socketPath?: string } {
  const host = env.DOCKER_HOST?.trim() || "unix:///var/run/docker.sock";
  if (host.startsWith("unix://")) {
    return { url: "http://localhost/_ping", socketPath: host.slice("unix://".length) };
  }
  const tls = env.DOCKER_TLS_VERIFY === "1" ? "https" : "http";
  return { url: `${host.replace(/^tcp:\/\//, `${tls}://`).replace(/\/+$/, "")}/_ping` };
}

export async function checkDockerHost(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { url, socketPath } = dockerEndpoint(env);
  const agent = socketPath ? new Agent({ connect: { socketPath } }) : undefined;
  try {
    const r = await get(url, agent);
    if ("error" in r || r.status !== 200) {
      throw new PreflightError(
        `the Docker host (${socketPath ?? url}) does not answer (${describe(r)}); the runner's docker sandboxes need it (set DOCKER_HOST, or --environment-class local)`,
      );
    }
  } finally {
    await agent?.close();
  }
}
