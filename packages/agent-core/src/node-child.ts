/**
 * Node child processes of ours (the runner's agent processes, the local environment's command
 * spawner): how to start an entry module from source (tsx, in the checkout) or from dist, and
 * the zod check of the messages they exchange.
 * @module
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/**
 * The entry `name` (e.g. `./proc-child`) next to the module at `callerUrl`: its `.ts` with the
 * source condition and tsx when the caller runs from source, else its `.js` (dist). `inherit`:
 * node options passed on when running from source (a tsx loader among them is not added twice).
 */
export function nodeEntry(
  callerUrl: string,
  name: string,
  inherit: readonly string[] = [],
): { path: string; execArgv: string[] } {
  const ts = fileURLToPath(new URL(`${name}.ts`, callerUrl));
  if (!callerUrl.endsWith(".ts") || !existsSync(ts)) {
    return { path: fileURLToPath(new URL(`${name}.js`, callerUrl)), execArgv: [] };
  }
  const hasTsx = inherit.some(
    (a, i) =>
      /^--(import|loader)=.*tsx/.test(a) ||
      (/^--(import|loader)$/.test(a) && /tsx/.test(inherit[i + 1] ?? "")),
  );
  const tsx = hasTsx ? [] : ["--import", import.meta.resolve("tsx")];
  return { path: ts, execArgv: ["--conditions=@thunderagent/source", ...inherit, ...tsx] };
}

/** A message that does not match its schema: one line naming what is wrong. */
export function parseMessage<T>(schema: z.ZodType<T>, raw: unknown, from: string): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  throw new Error(`bad message from ${from}: ${z.prettifyError(r.error).replace(/\n/g, "; ")}`);
}
