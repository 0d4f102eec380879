/**
 * Runs simulation jobs in parallel on worker_threads (one job per worker at a time, largest jobs
 * first so the tail is short). With `workers <= 1` jobs run inline on the main thread.
 * @module
 */
import { Worker } from "node:worker_threads";
import { BenchError } from "../errors.js";
import type { RunRow } from "./results.js";
import { runJob } from "./run-job.js";
import type { Job } from "./systems.js";

export type Progress = (done: number, total: number, job: Job, row: RunRow) => void;

/** A rough cost estimate used to start the longest runs first. */
function cost(j: Job): number {
  return j.n * (j.system === "vllm" || j.system === "continuum" ? 1.3 : 1);
}

export async function runJobs(
  jobs: readonly Job[],
  workers: number,
  onDone?: Progress,
): Promise<RunRow[]> {
  const order = jobs.map((job, id) => ({ id, job })).sort((a, b) => cost(b.job) - cost(a.job));
  const rows: (RunRow | undefined)[] = new Array(jobs.length);
  let done = 0;
  if (workers <= 1) {
    for (const { id, job } of order) {
      const row = runJob(job);
      rows[id] = row;
      onDone?.(++done, jobs.length, job, row);
    }
    return rows as RunRow[];
  }
  const isTs = import.meta.url.endsWith(".ts");
  const entry = new URL(isTs ? "./worker.ts" : "./worker.js", import.meta.url).href;
  const boot = new URL("./worker-boot.mjs", import.meta.url);
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    let live = Math.min(workers, order.length);
    if (live === 0) resolve();
    for (let w = 0; w < Math.min(workers, order.length); w++) {
      const worker = new Worker(boot, { workerData: { entry, tsx: isTs } });
      const feed = () => {
        const item = order[next++];
        if (!item) {
          void worker.terminate();
          if (--live === 0) resolve();
          return;
        }
        worker.postMessage(item);
      };
      worker.on("message", (msg: { id: number; row?: RunRow; error?: string }) => {
        if (msg.error !== undefined || !msg.row) {
          reject(
            new BenchError("simulation_failed", `simulation failed: ${msg.error ?? "no result"}`),
          );
          void worker.terminate();
          return;
        }
        rows[msg.id] = msg.row;
        onDone?.(++done, jobs.length, jobs[msg.id]!, msg.row);
        feed();
      });
      worker.on("error", reject);
      feed();
    }
  });
  return rows as RunRow[];
}
