/**
 * The local environment's command spawner, with real processes: one helper serves every command
 * (none is forked by the test's own process), a timeout or an abort kills the command's whole
 * process group, a dead helper fails its commands and is replaced, and the helper never outlives
 * the process that started it; commands run at the configured niceness, and results that arrive
 * together are handed to their agents one at a time.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { getPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CommandTimeoutError, EnvironmentSection, nodeEntry } from "../src/index.js";
import { LocalEnvironment, Spawner, sharedSpawner } from "../src/local/index.js";

const dir = realpathSync(mkdtempSync(join(tmpdir(), "ta-spawner-")));
const spawners: Spawner[] = [];
afterAll(async () => {
  await Promise.all(spawners.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

function makeEnv(timeout = 20): { env: LocalEnvironment; spawner: Spawner } {
  const spawner = new Spawner();
  spawners.push(spawner);
  const config = EnvironmentSection.parse({ environment_class: "local", timeout });
  return { env: new LocalEnvironment({ config, cwd: dir, spawner }), spawner };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

/** The parent of the command's `timeout` (bash's $PPID), i.e. the process that forked it. */
const FORKER = "ps -o ppid= -p $PPID";

describe("local command spawner", () => {
  it("one spawner process forks every command, not the process running the agents", async () => {
    const { env, spawner } = makeEnv();
    const outputs = await Promise.all(
      Array.from({ length: 12 }, (_, i) => env.execute(`${FORKER}; echo ${i}`)),
    );
    const forkers = new Set(outputs.map((r) => Number(r.output.split("\n")[0])));
    expect(forkers).toEqual(new Set([spawner.pid]));
    expect(spawner.pid).not.toBe(process.pid);
    expect(outputs.map((r) => r.output.split("\n")[1])).toEqual(
      Array.from({ length: 12 }, (_, i) => String(i)),
    );
    const again = await env.execute(FORKER);
    expect(Number(again.output)).toBe(spawner.pid);
    expect(await spawner.cpuMs()).toBeGreaterThan(0);
  }, 30_000);

  it("a timeout kills the command's whole process group; the spawner lives on", async () => {
    const { env, spawner } = makeEnv();
    const err = await env
      .execute("ps -o pgid= -p $$; sleep 1000 & sleep 1000; echo never", { timeoutS: 1 })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(CommandTimeoutError);
    const pgid = Number((err as CommandTimeoutError).output.trim());
    expect(pgid).toBeGreaterThan(1);
    expect(await waitUntil(() => !alive(-pgid), 5_000)).toBe(true);
    const pid = spawner.pid;
    expect(Number((await env.execute(FORKER)).output)).toBe(pid);
  }, 30_000);

  it("an abort kills the group at once and rejects with the signal's reason", async () => {
    const { env } = makeEnv();
    const file = join(dir, "abort-pgid");
    const ac = new AbortController();
    const run = env.execute(`ps -o pgid= -p $$ > ${file}; sleep 1000 & sleep 1000`, {
      signal: ac.signal,
    });
    expect(await waitUntil(() => readFileSync(file, { flag: "a+" }).length > 0, 10_000)).toBe(true);
    const pgid = Number(readFileSync(file, "utf8").trim());
    expect(alive(-pgid)).toBe(true);
    ac.abort(new Error("stopped"));
    await expect(run).rejects.toThrow("stopped");
    expect(await waitUntil(() => !alive(-pgid), 5_000)).toBe(true);
  }, 30_000);

  it("a spawner that dies fails its running commands; the next command starts a new one", async () => {
    const { env, spawner } = makeEnv();
    await env.execute("true");
    const first = spawner.pid!;
    const running = env.execute("sleep 1000");
    await new Promise((r) => setTimeout(r, 300));
    process.kill(first, "SIGKILL");
    await expect(running).rejects.toThrow(/could not run the command: the command spawner/);
    const next = Number((await env.execute(FORKER)).output);
    expect(next).toBe(spawner.pid);
    expect(next).not.toBe(first);
  }, 30_000);

  it("commands run at environment.nice: 10 by default, 0 = the runner's own priority", async () => {
    const own = getPriority();
    const niceOf = async (config: Record<string, unknown>) => {
      const parsed = EnvironmentSection.parse({ environment_class: "local", ...config });
      const env = new LocalEnvironment({ config: parsed, cwd: dir });
      return Number((await env.execute("nice")).output.trim());
    };
    expect(await niceOf({})).toBe(Math.max(own, 10));
    expect(await niceOf({ nice: 0 })).toBe(own);
    expect(await niceOf({ nice: 19 })).toBe(19);
    // One spawner per niceness, each reused.
    expect(sharedSpawner(10).pid).toBeGreaterThan(0);
    expect(sharedSpawner(10)).toBe(sharedSpawner());
    expect(sharedSpawner(19).pid).not.toBe(sharedSpawner(10).pid);
    spawners.push(sharedSpawner(0), sharedSpawner(10), sharedSpawner(19));
    expect(() => EnvironmentSection.parse({ nice: 20 })).toThrow();
    expect(() => EnvironmentSection.parse({ nice: -1 })).toThrow();
  }, 30_000);

  it("results that arrive in one read are delivered one at a time, each continuation run to its end", async () => {
    const { env, spawner } = makeEnv();
    await env.execute("true");
    const order: string[] = [];
    const agent = async (i: number) => {
      await env.execute("sleep 0.2");
      // The agent's continuation: several awaits, as the next request's preparation has.
      for (let hop = 0; hop < 4; hop++) {
        order.push(`${i}`);
        await null;
      }
    };
    const before = spawner.deliveryDelay.count;
    const agents = Array.from({ length: 4 }, (_, i) => agent(i));
    // Busy while the commands end, so that their exits are waiting in the channel together.
    const until = Date.now() + 1_000;
    while (Date.now() < until);
    await Promise.all(agents);
    const runs = order.join("").match(/(.)\1*/g)!;
    expect(runs.every((r) => r.length === 4)).toBe(true);
    expect(spawner.deliveryDelay.count - before).toBe(4);
    expect(spawner.deliveryDelay.max).toBeGreaterThan(0);
  }, 30_000);

  describe("the spawner ends with the process that started it", () => {
    const fixture = nodeEntry(import.meta.url, "./fixtures/spawner-agent");
    const start = (...args: string[]) => {
      const child = spawn(process.execPath, [...fixture.execArgv, fixture.path, ...args], {
        stdio: ["ignore", "pipe", "inherit"],
        cwd: dir,
      });
      const exited = new Promise<number | string | null>((r) =>
        child.once("exit", (code, signal) => r(signal ?? code)),
      );
      const spawnerPid = new Promise<number>((resolve, reject) => {
        child.stdout.once("data", (c: Buffer) => resolve(JSON.parse(String(c)).spawner));
        void exited.then(() => reject(new Error("the agent process exited before its line")));
      });
      return { child, exited, spawnerPid };
    };

    it("SIGKILL of the agent process: the spawner and its running command are gone", async () => {
      const pgidFile = join(dir, "hang-pgid");
      const agent = start("hang", pgidFile);
      const spawnerPid = await agent.spawnerPid;
      expect(alive(spawnerPid)).toBe(true);
      const wrote = () => readFileSync(pgidFile, { flag: "a+" }).length > 0;
      expect(await waitUntil(wrote, 10_000)).toBe(true);
      const pgid = Number(readFileSync(pgidFile, "utf8").trim());
      expect(alive(-pgid)).toBe(true);
      agent.child.kill("SIGKILL");
      expect(await agent.exited).toBe("SIGKILL");
      expect(await waitUntil(() => !alive(spawnerPid), 10_000)).toBe(true);
      expect(await waitUntil(() => !alive(-pgid), 5_000)).toBe(true);
    }, 60_000);

    it("an agent process with nothing left to do exits on its own, and so does its spawner", async () => {
      const agent = start("idle");
      const spawnerPid = await agent.spawnerPid;
      expect(await agent.exited).toBe(0);
      expect(await waitUntil(() => !alive(spawnerPid), 10_000)).toBe(true);
    }, 60_000);
  });
});
