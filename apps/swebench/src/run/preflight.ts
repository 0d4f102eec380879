/**
 * Start-up checks before any worker starts, so that a wrong `--base-url` or a Docker host that is
 * down is one clear line and exit 2 instead of 128 workers retrying forever: the model endpoint
 * answers `GET <base>/models` and lists the configured model (the error names what it serves), a
 * ThunderAgent router in front reports itself healthy on `/health`,
 * and the environment class's own check passes (docker: the engine answers; with several hosts,
 * those that do not answer are taken out of `config.environment.docker_hosts`, each named, and
 * the rest must answer). Once the instances are selected, `prepareImages` makes sure every image
 * is on a host (docker: checked per host, missing ones pulled).
 * @module
 */
import { type MiniConfig, loadEnvironmentClass, resolveBaseUrl } from "@thunderagent/agent-core";
import type { SweBenchInstance } from "@thunderagent/protocol";
import { request } from "undici";
import { z } from "zod";
import { SwebenchError } from "../errors.js";
import { routerBaseUrl } from "./release-program.js";

/** What tells a ThunderAgent router's `/health` from a vLLM's (empty body) or another server's. */
const RouterHealth = z.looseObject({
  status: z.enum(["ok", "unavailable"]),
  router_mode: z.string(),
  backends: z.array(z.string()),
  healthy_backends: z.number().int().nonnegative().optional(),
});

const ModelList = z.looseObject({ data: z.array(z.looseObject({ id: z.string() })) });

export interface PreflightOptions {
  timeoutMs?: number;
  /** A line the user should see (a Docker host taken out); default: stderr. */
  warn?: (line: string) => void;
}

/** Throws a SwebenchError `preflight_failed` naming the first check that failed. */
export async function preflight(config: MiniConfig, options: PreflightOptions = {}): Promise<void> {
  await checkModelEndpoint(config, options.timeoutMs ?? 5000);
  await checkRouterHealth(config, options.timeoutMs ?? 5000);
  const envClass = await loadEnvironmentClass(config.environment.environment_class);
  const warn = options.warn ?? ((line: string) => process.stderr.write(`swebench: ${line}\n`));
  // The hosts that do not answer are taken out of the config every process of the run gets.
  if (envClass.prepare) config.environment = await envClass.prepare(config.environment, warn);
  const problem = (await envClass.check?.(config.environment)) ?? null;
  if (problem) throw new SwebenchError("preflight_failed", problem);
}

/**
 * Before the workers start: the images the instances need are on the hosts, or pulled there now
 * (docker with `docker_hosts`); throws a SwebenchError `preflight_failed` naming the image and
 * each host's reason when one cannot be had.
 */
export async function prepareImages(
  config: MiniConfig,
  runId: string,
  instances: readonly SweBenchInstance[],
  log: { warn(line: string): void; info(line: string): void },
): Promise<void> {
  const envClass = await loadEnvironmentClass(config.environment.environment_class);
  if (!envClass.prepareImages || instances.length === 0) return;
  const images = new Map<string, number>();
  for (const instance of instances) {
    const image = envClass.imageFor(instance, config.environment);
    if (image) images.set(image, (images.get(image) ?? 0) + 1);
  }
  try {
    const [warn, info] = [(l: string) => log.warn(l), (l: string) => log.info(l)];
    await envClass.prepareImages({ config: config.environment, runId, images, warn, info });
  } catch (error) {
    throw new SwebenchError("preflight_failed", (error as Error).message);
  }
}

async function checkModelEndpoint(config: MiniConfig, timeoutMs: number): Promise<void> {
  const base = resolveBaseUrl(config.model).replace(/\/+$/, "");
  const url = `${base}/models`;
  const fail = (why: string) =>
    new SwebenchError("preflight_failed", `the model endpoint ${url} ${why} (check --base-url)`);
  let status: number;
  let text: string;
  try {
    const res = await request(url, {
      headers: { authorization: `Bearer ${config.model.api_key || "EMPTY"}` },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (error) {
    throw fail(`does not answer: ${(error as Error).message}`);
  }
  if (status !== 200) throw fail(`answers HTTP ${status}: ${text.slice(0, 160)}`);
  let served: string[];
  try {
    served = ModelList.parse(JSON.parse(text)).data.map((m) => m.id);
  } catch {
    throw fail("does not answer with an OpenAI model list");
  }
  const want = config.model.model_name;
  if (!served.includes(want)) {
    throw new SwebenchError(
      "preflight_failed",
      `the model endpoint ${base} does not serve model ${JSON.stringify(want)}; it serves: ` +
        `${served.join(", ") || "(none)"} (set -m/--model)`,
    );
  }
}

/**
 * When the base URL is a ThunderAgent router (its `/health` answers with `router_mode`), the
 * router must report `status: ok` with a healthy backend; anything else there (a plain vLLM's
 * empty 200, a 404, no answer) is not a router and is left to the model endpoint check.
 */
async function checkRouterHealth(config: MiniConfig, timeoutMs: number): Promise<void> {
  const url = `${routerBaseUrl(resolveBaseUrl(config.model))}/health`;
  let body: unknown;
  try {
    const res = await request(url, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    const text = await res.body.text();
    body = JSON.parse(text);
  } catch {
    return;
  }
  const health = RouterHealth.safeParse(body);
  if (!health.success) return;
  const { status, backends, healthy_backends: healthy } = health.data;
  if (status === "ok" && healthy !== 0) return;
  throw new SwebenchError(
    "preflight_failed",
    `the router at ${url} reports status ${status} (${healthy ?? "?"} of ${backends.length} ` +
      `backends healthy: ${backends.join(", ") || "none"})`,
  );
}
