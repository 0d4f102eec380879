/** Worker thread: runs the simulation jobs it is sent, one at a time. */
import { parentPort } from "node:worker_threads";
import { BenchError } from "../errors.js";
import { runJob } from "./run-job.js";
import type { Job } from "./systems.js";

const port = parentPort;
if (!port) throw new BenchError("not_in_worker", "worker.ts must run in a worker thread");
port.on("message", (msg: { id: number; job: Job }) => {
  try {
    port.postMessage({ id: msg.id, row: runJob(msg.job) });
  } catch (err) {
    port.postMessage({
      id: msg.id,
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
  }
});
