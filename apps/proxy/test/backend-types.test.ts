// The proxy against router-core's backend-type registry: --backend-type accepts exactly its names,
// and the monitor fetches what each record lists and feeds the record's parse to the Router.
import { RouterMode } from "@thunderagent/protocol";
import { BACKEND_TYPE_NAMES, backendType, type BackendSnapshot } from "@thunderagent/router-core";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { BackendMonitor } from "../src/backend-monitor.js";
import { ConfigError, loadConfig, makeConfig, ProxyConfig } from "../src/config.js";
import type { RouterPort } from "../src/router-port.js";
import type { Upstreams } from "../src/upstream/upstreams.js";

const URL = "http://gpu0:8000";

/** Upstreams that answer each path from `bodies` (404 for anything else), recording the paths. */
function fakeUpstreams(bodies: Readonly<Record<string, string | null>>, asked: string[]) {
  return {
    request: (_url: string, req: { path: string }) => {
      asked.push(req.path);
      const body = bodies[req.path];
      return Promise.resolve({
        statusCode: typeof body === "string" ? 200 : 404,
        body: Buffer.from(body ?? "not found"),
      });
    },
  } as unknown as Upstreams;
}

function fakeRouter(snapshots: BackendSnapshot[]) {
  return {
    updateBackend: (_url: string, s: BackendSnapshot) => snapshots.push(s),
    scrapeFailed: () => {},
    setBackendHealth: () => {},
  } as unknown as RouterPort;
}

describe("--backend-type and --router come from their registries", () => {
  it("the config's enums are the registries' names", () => {
    const backendEnum = ProxyConfig.shape.backendType.unwrap();
    expect(backendEnum.options).toEqual(BACKEND_TYPE_NAMES);
    expect(ProxyConfig.shape.router.unwrap().options).toEqual(RouterMode.options);
  });

  it.each(BACKEND_TYPE_NAMES)("accepts --backend-type %s", (name) => {
    expect(loadConfig(["--backend-type", name], {}).config.backendType).toBe(name);
  });

  it("rejects a backend type that is not registered", () => {
    expect(() => makeConfig({ backendType: "trtllm" as never })).toThrow(ConfigError);
  });
});

describe.each(BACKEND_TYPE_NAMES)("the monitor scrapes a %s backend", (name) => {
  const type = backendType(name);
  const monitorFor = (bodies: Readonly<Record<string, string | null>>) => {
    const asked: string[] = [];
    const snapshots: BackendSnapshot[] = [];
    const monitor = new BackendMonitor(
      { backends: [URL], backendType: name },
      fakeUpstreams(bodies, asked),
      fakeRouter(snapshots),
      pino({ level: "silent" }),
      () => 1,
    );
    return { monitor, asked, snapshots };
  };

  it("fetches the record's paths and passes the record's parse to the Router", async () => {
    const { monitor, asked, snapshots } = monitorFor(type.example.bodies);
    expect(await monitor.scrape(URL)).toBe(true);
    expect(asked.sort()).toEqual(type.fetch.map((f) => f.path).sort());
    expect(snapshots).toEqual([type.parse(type.example.bodies)]);
    expect(snapshots[0]?.capacityTokens).toBe(type.example.capacityTokens);
  });

  it("scrapes without the optional paths and fails without a required one", async () => {
    const onlyRequired = Object.fromEntries(
      type.fetch
        .filter((f) => f.required)
        .map((f) => [f.path, type.example.bodies[f.path] ?? null]),
    );
    expect(await monitorFor(onlyRequired).monitor.scrape(URL)).toBe(true);
    const m = monitorFor({});
    expect(await m.monitor.scrape(URL)).toBe(false);
    expect(m.monitor.scrapeFailures).toBe(1);
  });
});
