/**
 * The local environment's command spawner: a small Node process, one per process that runs
 * agents, that forks the commands it is sent (each in its own process group) and answers with
 * their output and exit, so that the agents' process never forks per command (a fork of a busy
 * Node process blocks its event loop for several milliseconds). It exits when its parent's IPC
 * channel closes (the parent ended, normally or killed), killing the commands still running.
 * @module
 */
import { spawn } from "node:child_process";
import { getPriority, setPriority } from "node:os";
import { parseMessage } from "../node-child.js";
import { type FromSpawner, ToSpawner } from "./spawner-messages.js";

/**
 * Lowers this helper's CPU priority to the niceness its parent asked for (argv[2]); its commands
 * inherit it. Never raises it (that needs privileges): a runner started under a higher nice
 * keeps it.
 */
function lowerPriority(): void {
  const nice = Number(process.argv[2] ?? "0");
  if (!Number.isInteger(nice) || nice <= getPriority()) return;
  try {
    setPriority(Math.min(19, nice));
  } catch (error) {
    process.stderr.write(
      `agent-core: the command spawner could not lower its priority to nice ${nice}: ${(error as Error).message}\n`,
    );
  }
}
lowerPriority();

/** Request id → the process group of its command while it runs. */
const running = new Map<number, number>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function send(message: FromSpawner): void {
  if (process.connected) process.send!(message);
}

function run(req: Extract<ToSpawner, { type: "run" }>): void {
  const started = performance.now();
  const child = spawn(req.file, req.args, {
    cwd: req.cwd,
    env: req.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group: killed as a whole
  });
  const pid = child.pid;
  if (pid === undefined) {
    child.once("error", (error) => send({ type: "failed", id: req.id, message: error.message }));
    return;
  }
  running.set(req.id, pid);
  const chunks: Buffer[] = [];
  let bytes = 0;
  const collect = (chunk: Buffer) => {
    if (bytes >= req.maxBuffer) return;
    const room = req.maxBuffer - bytes;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    chunks.push(kept);
    bytes += kept.length;
    if (bytes >= req.maxBuffer) killGroup(pid, "SIGTERM");
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const backstop = setTimeout(() => killGroup(pid, "SIGKILL"), req.backstopMs);
  child.once("error", () => undefined); // a kill of an exited child; the close below reports
  child.once("close", (code, signal) => {
    clearTimeout(backstop);
    running.delete(req.id);
    send({
      type: "exit",
      id: req.id,
      pid,
      code,
      signal,
      elapsedMs: performance.now() - started,
      output: new TextDecoder().decode(Buffer.concat(chunks, bytes)),
    });
  });
}

process.on("message", (raw) => {
  const message = parseMessage(ToSpawner, raw, "the local environment");
  if (message.type === "run") return run(message);
  if (message.type === "usage") {
    const cpu = process.cpuUsage();
    return send({ type: "usage", id: message.id, cpuMs: (cpu.user + cpu.system) / 1000 });
  }
  const pid = running.get(message.id);
  if (pid !== undefined) killGroup(pid, "SIGKILL");
});
process.on("disconnect", () => {
  for (const pid of running.values()) killGroup(pid, "SIGKILL");
  process.exit(0);
});
// Terminal signals reach the whole foreground group; the parent decides what ends the commands.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => {});
