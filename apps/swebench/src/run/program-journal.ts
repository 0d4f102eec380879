/**
 * The programs this output directory has open at the router, one file each in
 * `<output>/.programs/<program_id>.json` (written before the instance's environment and first
 * model call, removed once the program is released). A runner killed with SIGKILL cannot release
 * its programs or remove its containers; the next start with the same output reads the files,
 * releases every program listed (with the router's API key) and sweeps the runs' leftovers
 * through the environment class (docker: the containers labelled with those run ids).
 * @module
 */
import { mkdir, readFile, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { loadEnvironmentClass, type MiniConfig } from "@thunderagent/agent-core";
import type { Logger } from "pino";
import { z } from "zod";
import { removeStaleTemps, writeFileAtomic } from "../atomic-write.js";
import { releaseProgram } from "./release-program.js";

const Entry = z.object({
  program_id: z.string().min(1),
  run_id: z.string().min(1),
  base_url: z.string().min(1),
  environment_class: z.string().min(1),
});
export type JournalEntry = z.infer<typeof Entry>;

export class ProgramJournal {
  readonly dir: string;

  constructor(outputDir: string) {
    this.dir = join(outputDir, ".programs");
  }

  #file(programId: string): string {
    return join(this.dir, `${encodeURIComponent(programId)}.json`);
  }

  async record(entry: JournalEntry): Promise<void> {
    await writeFileAtomic(this.#file(entry.program_id), JSON.stringify(entry));
  }

  async forget(programId: string): Promise<void> {
    await rm(this.#file(programId), { force: true });
  }

  async entries(): Promise<JournalEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: JournalEntry[] = [];
    for (const name of names.filter((n) => n.endsWith(".json"))) {
      try {
        const parsed = Entry.safeParse(JSON.parse(await readFile(join(this.dir, name), "utf8")));
        if (parsed.success) out.push(parsed.data);
        else await rm(join(this.dir, name), { force: true });
      } catch {
        await rm(join(this.dir, name), { force: true });
      }
    }
    return out;
  }
}

export interface RecoveryResult {
  released: number;
  failed: number;
  swept: number;
}

/**
 * Releases what a killed run left open and sweeps its runs' leftovers. An entry whose release
 * failed (router down) stays for the next start.
 */
export async function recoverPrograms(
  outputDir: string,
  config: MiniConfig,
  options: { apiKey?: string | undefined; logger?: Logger } = {},
): Promise<RecoveryResult> {
  const journal = new ProgramJournal(outputDir);
  await mkdir(journal.dir, { recursive: true });
  // A run killed while it wrote an entry leaves write-file-atomic's temporary file beside it.
  await removeStaleTemps(journal.dir);
  const entries = await journal.entries();
  const result: RecoveryResult = { released: 0, failed: 0, swept: 0 };
  const runs = new Map<string, string>();
  for (const e of entries) runs.set(e.run_id, e.environment_class);
  for (const [runId, envClassName] of runs) {
    try {
      const envClass = await loadEnvironmentClass(
        envClassName as MiniConfig["environment"]["environment_class"],
      );
      result.swept += await envClass.sweepLeftovers({ runId, config: config.environment });
    } catch {
      // the engine may be gone; the release below still happens
    }
  }
  await Promise.all(
    entries.map(async (e) => {
      const outcome = await releaseProgram(e.base_url, e.program_id, { apiKey: options.apiKey });
      if (outcome.kind === "failed") result.failed++;
      else {
        result.released++;
        await journal.forget(e.program_id);
      }
    }),
  );
  if (entries.length > 0) {
    options.logger?.warn(
      { ...result, programs: entries.map((e) => e.program_id), config_base: config.model.base_url },
      "released the programs and removed the leftovers of a run that did not finish",
    );
  }
  return result;
}
