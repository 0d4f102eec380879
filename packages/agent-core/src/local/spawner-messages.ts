/**
 * The messages between a process that runs agents and its command spawner (spawner-child.ts),
 * as zod schemas: the parent asks for a command to be run (argv, cwd, env, limits) or killed;
 * the spawner answers each run once, with the merged output decoded, the exit code or signal and
 * the elapsed time, or with the reason it could not start the command; and its own CPU time.
 * @module
 */
import { z } from "zod";

export const ToSpawner = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("run"),
    id: z.number().int().min(1),
    file: z.string().min(1),
    args: z.array(z.string()),
    cwd: z.string().min(1),
    env: z.record(z.string(), z.string()),
    /** Kill the command's process group this long after its start, whatever it is doing. */
    backstopMs: z.number().positive(),
    /** Output bytes kept; past them the group gets SIGTERM and the output is cut there. */
    maxBuffer: z.number().int().positive(),
  }),
  /** SIGKILL to the command's process group (abort, close). */
  z.object({ type: z.literal("kill"), id: z.number().int().min(1) }),
  /** The spawner's own CPU time so far (benches count it with the runner's). */
  z.object({ type: z.literal("usage"), id: z.number().int().min(1) }),
]);
export type ToSpawner = z.infer<typeof ToSpawner>;

export const FromSpawner = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("exit"),
    id: z.number().int(),
    /** The process id (and process group id) the command ran as. */
    pid: z.number().int(),
    code: z.number().int().nullable(),
    signal: z.string().nullable(),
    elapsedMs: z.number(),
    /** stdout and stderr in arrival order, decoded as UTF-8 (invalid bytes replaced). */
    output: z.string(),
  }),
  z.object({ type: z.literal("failed"), id: z.number().int(), message: z.string() }),
  /** User + system CPU of the spawner process, ms. */
  z.object({ type: z.literal("usage"), id: z.number().int(), cpuMs: z.number() }),
]);
export type FromSpawner = z.infer<typeof FromSpawner>;
