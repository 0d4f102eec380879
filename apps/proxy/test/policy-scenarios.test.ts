/**
 * The scheduling policy v2 flags in a running proxy (in memory, app.inject) in front of real
 * engine-sim backends, on a clock the test moves: the acting lease frees capacity, origin-first
 * keeps a paused program for its origin (then moves it after --resume-move-after), and the
 * Prometheus series of what they do (lease expiries, origin resumes, migrations, the longest
 * wait and pause, the KV-usage signal). Plus the command line's exit 2 on a bad value.
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { tokenizeChat } from "@thunderagent/engine-sim";
import type { ProgramsResponse } from "@thunderagent/protocol";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterEach, describe, expect, it } from "vitest";
import { readCommandLine } from "../src/config.js";
import { engineMetric, MODEL, startEngine } from "./helpers/engines.js";
import { buildProxy, eventually, type TestProxy } from "./helpers/harness.js";
import { freePort } from "./helpers/ports.js";

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** The proxy as `thunderagent <argv>` with `env` would run it, on the test's clock. */
async function proxyFrom(
  argv: string[],
  env: Record<string, string>,
  clock: { t: number },
): Promise<TestProxy> {
  const cl = readCommandLine(argv, env);
  if (cl.kind !== "run") throw new Error(cl.kind);
  const proxy = await buildProxy({ ...cl.config }, { now: () => clock.t });
  closers.push(() => proxy.close());
  return proxy;
}

/** A user message whose chat prompt is exactly `tokens` tokens for engine-sim. */
function messagesOf(tokens: number, seed: string) {
  let content = `${seed} `;
  const word = "lorem ";
  while (tokenizeChat([{ role: "user", content: content + word }]).length <= tokens)
    content += word;
  return [{ role: "user", content }];
}

function chat(proxy: TestProxy, programId: string, messages: unknown[]) {
  return proxy.app.inject({
    method: "POST",
    url: "/v1/chat/completions",
    payload: JSON.stringify({ model: MODEL, max_tokens: 16, program_id: programId, messages }),
  });
}

async function programs(proxy: TestProxy): Promise<ProgramsResponse> {
  return (await proxy.app.inject({ url: "/programs" })).json<ProgramsResponse>();
}

async function release(proxy: TestProxy, programId: string): Promise<void> {
  const res = await proxy.app.inject({
    method: "POST",
    url: "/programs/release",
    payload: JSON.stringify({ program_id: programId }),
  });
  expect(res.json()).toEqual({ program_id: programId, released: true });
}

/** The scraped exposition: every family has HELP and TYPE; `value()` reads one sample. */
async function scrape(proxy: TestProxy) {
  const res = await proxy.app.inject({ url: "/metrics", headers: { accept: "text/plain" } });
  const text = res.body;
  const families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
  return {
    text,
    type: (name: string) => families.get(name)?.type,
    value(name: string, labels: Record<string, string> = {}): number | undefined {
      const sample = families
        .get(name)
        ?.metrics.find((m) =>
          Object.entries(labels).every(
            ([k, v]) => (m["labels"] as Record<string, string> | undefined)?.[k] === v,
          ),
        );
      return sample === undefined ? undefined : Number(sample["value"]);
    },
  };
}

describe("--acting-lease", () => {
  it("frees an idle acting program's tokens after the lease, so a waiting program runs", async () => {
    const engine = await startEngine({ kvTokens: 3200 });
    closers.push(() => engine.close());
    const clock = { t: 1_000 };
    const proxy = await proxyFrom(
      ["--backends", engine.url, "--router", "tr"],
      { THUNDERAGENT_ACTING_LEASE: "30" },
      clock,
    );
    expect(proxy.ctx.router.options.actingLeaseS).toBe(30);

    const a = await chat(proxy, "A", messagesOf(1800, "a"));
    expect(a.statusCode).toBe(200);
    const aTokens = (await programs(proxy))["A"]!.total_tokens;
    expect((await programs(proxy))["A"]).toMatchObject({ status: "acting", state: "active" });

    clock.t = 1_001;
    const pendingB = chat(proxy, "B", messagesOf(1800, "b"));
    await eventually(() => proxy.ctx.waiters.size === 1, "B to wait");
    expect((await programs(proxy))["B"]).toMatchObject({ state: "paused", backend: null });

    // 11 s later the lease has not run out: B still waits, and the waits show.
    clock.t = 1_012;
    await proxy.loop.tick();
    expect(proxy.ctx.waiters.size).toBe(1);
    let m = await scrape(proxy);
    expect(m.value("thunderagent_longest_wait_seconds")).toBe(11);
    expect(m.value("thunderagent_longest_paused_seconds")).toBe(11);
    expect(m.value("thunderagent_lease_expiries_total")).toBe(0);
    clock.t = 1_020;
    expect((await scrape(proxy)).value("thunderagent_longest_wait_seconds")).toBe(19);

    // 30 s after A's answer its lease expires: its tokens stop counting and B is restored.
    clock.t = 1_030;
    const tick = await proxy.loop.tick();
    expect(tick?.resumed.map((r) => r.programId)).toEqual(["B"]);
    expect((await pendingB).statusCode).toBe(200);
    const view = await programs(proxy);
    expect(view["B"]).toMatchObject({ state: "active", status: "acting", backend: engine.url });
    // A keeps its state and its tokens; only its backend's reservation dropped.
    expect(view["A"]).toMatchObject({ state: "active", status: "acting", total_tokens: aTokens });

    m = await scrape(proxy);
    expect(m.type("thunderagent_lease_expiries_total")).toBe("COUNTER");
    expect(m.value("thunderagent_lease_expiries_total")).toBe(1);
    expect(m.value("thunderagent_restores_total")).toBe(1);
    expect(m.value("thunderagent_origin_resumes_total")).toBe(0); // B was new: no origin
    expect(m.value("thunderagent_migrations_total")).toBe(0);
    expect(m.type("thunderagent_longest_wait_seconds")).toBe("GAUGE");
    expect(m.value("thunderagent_longest_wait_seconds")).toBe(0);
    expect(m.value("thunderagent_longest_paused_seconds")).toBe(0);
    expect(m.text).toContain("# HELP thunderagent_lease_expiries_total ");
    expect(m.text).toContain("# TYPE thunderagent_longest_paused_seconds gauge\n");

    // The KV-usage signal is the engine's last scraped kv_cache_usage_perc (no smoothing).
    await proxy.loop.scrape();
    const usage = await engineMetric(engine, "vllm:kv_cache_usage_perc");
    m = await scrape(proxy);
    expect(m.type("thunderagent_backend_kv_usage_signal")).toBe("GAUGE");
    expect(m.value("thunderagent_backend_kv_usage_signal", { backend: engine.url })).toBe(usage);
  });
});

/**
 * P1 and P2 on e1 (e2 still down), P1's next step overfills e1, then e2 comes up and a tick
 * pauses P2 (origin e1) at t = 1010. Under best fit the next tick moves it to the empty e2
 * (scheduling.test.ts, "migration").
 */
async function pausedOnFullOrigin(flags: string[]) {
  const e1 = await startEngine({ kvTokens: 3200 });
  closers.push(() => e1.close());
  const e2Port = await freePort();
  const e2Url = `http://127.0.0.1:${e2Port}`;
  const clock = { t: 1_000 };
  const proxy = await proxyFrom(
    [
      `--backends=${e1.url},${e2Url}`,
      "--buffer-per-program",
      "100",
      "--shared-credit",
      "always",
      "--resume-placement",
      "origin-first",
      // The origin stays full: no idle lease frees P1's tokens while the test clock jumps.
      "--acting-lease",
      "off",
      ...flags,
    ],
    {},
    clock,
  );
  const p1 = messagesOf(1400, "p1");
  for (const [id, msgs] of [
    ["P1", p1],
    ["P2", messagesOf(1400, "p2")],
  ] as const) {
    expect((await chat(proxy, id, msgs)).statusCode).toBe(200);
  }
  const grown = [...p1, { role: "assistant", content: "ok" }, ...messagesOf(300, "more")];
  expect((await chat(proxy, "P1", grown)).statusCode).toBe(200);
  const e2 = await startEngine({ kvTokens: 8000, port: e2Port });
  closers.push(() => e2.close());
  await proxy.ctx.monitor.checkHealth();
  clock.t = 1_010;
  expect((await proxy.loop.tick())?.paused).toEqual(["P2"]);
  return { proxy, clock, e1: e1.url, e2: e2Url };
}

describe("--resume-placement origin-first", () => {
  it("keeps a paused program for its origin while the origin is full, then resumes it there", async () => {
    const { proxy, clock, e1 } = await pausedOnFullOrigin(["--resume-move-headroom", "off"]);
    clock.t = 1_020;
    expect((await proxy.loop.tick())?.restored).toEqual([]);
    expect((await programs(proxy))["P2"]).toMatchObject({ state: "paused", backend: null });
    let m = await scrape(proxy);
    expect(m.value("thunderagent_longest_paused_seconds")).toBe(10);
    expect(m.value("thunderagent_longest_wait_seconds")).toBe(0); // P2 sent nothing yet

    await release(proxy, "P1");
    clock.t = 1_025;
    const tick = await proxy.loop.tick();
    expect(tick?.restored).toEqual([{ programId: "P2", backend: e1, from: e1 }]);
    m = await scrape(proxy);
    expect(m.type("thunderagent_origin_resumes_total")).toBe("COUNTER");
    expect(m.value("thunderagent_origin_resumes_total")).toBe(1);
    expect(m.value("thunderagent_migrations_total")).toBe(0);
    expect(m.value("thunderagent_pauses_total")).toBe(1);
    expect(m.value("thunderagent_longest_paused_seconds")).toBe(0);
  });

  it("moves it off the full origin once it waited --resume-move-after seconds", async () => {
    const { proxy, clock, e1, e2 } = await pausedOnFullOrigin([
      "--resume-move-headroom=off",
      "--resume-move-after",
      "60",
    ]);
    clock.t = 1_069;
    expect((await proxy.loop.tick())?.restored).toEqual([]);
    clock.t = 1_070;
    expect((await proxy.loop.tick())?.restored).toEqual([
      { programId: "P2", backend: e2, from: e1 },
    ]);
    const m = await scrape(proxy);
    expect(m.value("thunderagent_migrations_total")).toBe(1);
    expect(m.value("thunderagent_origin_resumes_total")).toBe(0);
  });

  it("moves it at once with --resume-move-headroom 1.2 (the roomiest backend has 1.2× its need)", async () => {
    const { proxy, clock, e1, e2 } = await pausedOnFullOrigin(["--resume-move-headroom", "1.2"]);
    clock.t = 1_011;
    expect((await proxy.loop.tick())?.restored).toEqual([
      { programId: "P2", backend: e2, from: e1 },
    ]);
  });
});

describe("thunderagent with a bad policy value", () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = join(here, "..", "..", "..");
  const tsx = pathToFileURL(join(root, "node_modules", "tsx", "dist", "esm", "index.mjs")).href;
  const main = join(here, "..", "src", "main.ts");

  function run(args: string[], env: Record<string, string>) {
    const child = spawn(
      process.execPath,
      ["--conditions=@thunderagent/source", "--import", tsx, main, ...args],
      { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    return { exited, err: () => err };
  }

  it("prints one line naming the flag or its variable and exits 2", async () => {
    const fromEnv = run(["--kv-high-watermark", "0.8"], { THUNDERAGENT_KV_LOW_WATERMARK: "0.9" });
    const fromFlag = run(["--restore-order", "fifo"], {});
    expect(await fromEnv.exited).toBe(2);
    expect(fromEnv.err()).toBe(
      'thunderagent: --kv-low-watermark (from THUNDERAGENT_KV_LOW_WATERMARK) must be ≤ --kv-high-watermark (0.8), got "0.9" (see --help)\n',
    );
    expect(await fromFlag.exited).toBe(2);
    expect(fromFlag.err()).toBe(
      'thunderagent: --restore-order must be one of current, at-pause, least-service, got "fifo" (see --help)\n',
    );
  }, 60_000);
});
