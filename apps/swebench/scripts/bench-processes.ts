/**
 * The two helper processes of the runner benches (agent-overhead.ts, bench-runner.ts): engine-sim
 * in instant mode, and an idle Node process measuring its own event-loop lag over the same period
 * (the control: how much lag the machine's contention alone causes). Both end with this process:
 * they exit when their stdin, a pipe from it, closes.
 * @module
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "../../../");

/** engine-sim `--instant` with scripted programs of about `steps` steps; its URL and a stop. */
export async function startInstantSim(steps: number): Promise<{ url: string; stop: () => void }> {
  const sim = spawn(
    process.execPath,
    [
      "--conditions=@thunderagent/source",
      "--import",
      `file://${root}node_modules/tsx/dist/esm/index.mjs`,
      join(here, "engine-sim-instant.ts"),
      String(steps),
    ],
    // stdin is a pipe from this process: the sim exits when it closes (this process ended, even
    // by SIGKILL), so a bench stopped half-way leaves no engine behind.
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    sim.stdout!.once("data", (c: Buffer) => resolve(c.toString().trim()));
    sim.once("exit", (code) => reject(new Error(`engine-sim exited ${code}`)));
  });
  return { url, stop: () => void sim.kill("SIGTERM") };
}

export type LagSummary = Record<"mean" | "p50" | "p99" | "max", number>;

/** An idle process measuring its event-loop lag until `stop()`, which resolves to it (ms). */
export function startControl(): { stop: () => Promise<Partial<LagSummary>> } {
  const control = spawn(
    process.execPath,
    [
      "-e",
      `const h=require("perf_hooks").monitorEventLoopDelay({resolution:10});h.enable();
     process.on("SIGTERM",()=>{h.disable();process.stdout.write(JSON.stringify({mean:h.mean/1e6,p50:h.percentile(50)/1e6,p99:h.percentile(99)/1e6,max:h.max/1e6}));process.exit(0)});
     process.stdin.on("end",()=>process.exit(0));process.stdin.resume();
     setInterval(()=>{},1000);`,
    ],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  let out = "";
  control.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  const done = new Promise((r) => control.once("exit", r));
  return {
    stop: async () => {
      control.kill("SIGTERM");
      await done;
      return JSON.parse(out || "{}") as Partial<LagSummary>;
    },
  };
}
