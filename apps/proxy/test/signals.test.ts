// `pnpm thunderagent` as users run it under `timeout`, SLURM, systemd and Kubernetes: a SIGTERM to
// the process group, to pnpm alone, and with a stdout whose reader went away each end the whole
// tree (pnpm → scripts/run.mjs → the proxy) within the deadline, through the graceful path.
import { describe, expect, it, type TestContext } from "vitest";
import { MODEL, startEngine } from "./helpers/engines.js";
import { allGone, processTree, runScript, type ScriptRun } from "../../../testing/process-tree.js";

const EXIT_DEADLINE_MS = 15_000;

/** The proxy in front of `backend` (default: an unreachable one, which the monitor keeps logging). */
async function startProxy(
  ctx: TestContext,
  backend = "http://127.0.0.1:9",
): Promise<{ run: ScriptRun; url: string }> {
  const run = runScript("thunderagent", [
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    "--backends",
    backend,
    "--router",
    "default",
  ]);
  ctx.onTestFinished(() => run.cleanup());
  const m = await run.waitFor(/"address":"(http:\/\/[^"]+)".*"msg":"listening"/, 60_000);
  return { run, url: m[1]! };
}

/** A streamed completion through the proxy, read to its end: the HTTP status, 0 if refused. */
async function chat(url: string): Promise<number> {
  try {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: MODEL,
        messages: [{ role: "user", content: "<pr_description>fix it</pr_description>" }],
        stream: true,
      }),
    });
    await res.text();
    return res.status;
  } catch {
    return 0;
  }
}

const poke = (url: string) =>
  fetch(`${url}/health`).then(
    (r) => r.status,
    () => 0,
  );

describe.skipIf(process.platform !== "linux").concurrent("thunderagent signals", () => {
  it("SIGTERM to the process group: one graceful stop, streams in flight finish, the whole tree gone", async (ctx) => {
    const engine = await startEngine({ instant: false, timeScale: 0.05 });
    ctx.onTestFinished(() => engine.app.close());
    const { run, url } = await startProxy(ctx, engine.url);
    expect(await chat(url)).toBe(200);
    const tree = processTree(run.pid);
    expect(tree.length).toBeGreaterThanOrEqual(3); // pnpm, run.mjs, the proxy
    const inFlight = [chat(url), chat(url)];
    await new Promise((r) => setTimeout(r, 50)); // on their way (a 503 if not yet admitted)
    process.kill(-run.pid, "SIGTERM");
    // Well within the 20 s drain: the keep-alive connections of the finished streams do not hold
    // the close until their idle timeout.
    expect(await allGone(tree, EXIT_DEADLINE_MS)).toBeLessThan(EXIT_DEADLINE_MS);
    for (const status of await Promise.all(inFlight)) expect([200, 503]).toContain(status);
    const out = run.stdout();
    // Delivered once: the graceful path ran to its end, no "second SIGTERM" cut it short. run.mjs
    // got the group's SIGTERM too and asked over IPC: whichever came first started the stop.
    expect(out).toMatch(/"signal":"SIGTERM","from":"(signal|launcher)","msg":"shutting down"/);
    expect(out).toContain('"msg":"stopped"');
    expect(out.match(/"msg":"shutting down"/g)).toHaveLength(1);
    expect(run.stderr()).not.toContain("second SIGTERM");
    expect((await run.exited).code).toBe(0);
  }, 90_000);

  it("SIGTERM to pnpm alone: run.mjs and the proxy end too", async (ctx) => {
    const { run } = await startProxy(ctx);
    const tree = processTree(run.pid);
    process.kill(run.pid, "SIGTERM");
    expect(await allGone(tree, EXIT_DEADLINE_MS)).toBeLessThan(EXIT_DEADLINE_MS);
    // pnpm passed SIGTERM to run.mjs, which asked the proxy to stop over its IPC channel.
    expect(run.stdout()).toMatch(/"from":"launcher","msg":"shutting down"/);
    expect(run.stdout()).toContain('"msg":"stopped"');
  }, 90_000);

  it("a stdout whose reader is gone does not keep it from stopping", async (ctx) => {
    const { run, url } = await startProxy(ctx);
    const tree = processTree(run.pid);
    run.child.stdout!.destroy();
    // Requests keep the proxy logging into the broken pipe while it stops.
    let stop = false;
    const load = (async () => {
      while (!stop && (await poke(url)) !== 0);
    })();
    process.kill(-run.pid, "SIGTERM");
    try {
      expect(await allGone(tree, EXIT_DEADLINE_MS)).toBeLessThan(EXIT_DEADLINE_MS);
    } finally {
      stop = true;
      await load;
    }
    expect(run.stderr()).not.toMatch(/EPIPE|still stopping/);
  }, 90_000);
});
