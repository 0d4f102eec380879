// Boots a simulation worker thread. Under tsx (running from TypeScript sources) the loader hooks
// of the main thread do not reach worker threads on Node 20, so register tsx here first.
import { workerData } from "node:worker_threads";

if (workerData.tsx) {
  const { register } = await import("tsx/esm/api");
  register();
}
await import(workerData.entry);
