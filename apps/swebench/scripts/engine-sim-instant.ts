/**
 * Starts engine-sim with `instant` timing (no simulated time: the model answers as fast as the
 * server can) and a short scripted-program length, prints its URL, and runs until killed.
 * Used by agent-overhead.ts as a separate process so the two do not share an event loop.
 */
import { startEngineServer } from "@thunderagent/engine-sim";

const steps = Number(process.argv[2] ?? "12");
const server = await startEngineServer({
  instant: true,
  enablePromptTokensDetails: true,
  maxModelLen: 1_000_000,
  kvTokens: 50_000_000,
  maxNumSeqs: 4096,
  scripted: {
    seed: 1,
    steps: { median: steps, p90: steps * 1.5, min: 3, max: steps * 2 },
    outputTokens: { median: 90, p90: 300, min: 24, max: 600 },
  },
});
process.stdout.write(`${server.url}\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// The bench that started this holds stdin: when it is gone (however it ended), so is this.
process.stdin.on("end", stop);
process.stdin.resume();
