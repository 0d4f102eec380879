/**
 * `exit_statuses.json`: instance ids grouped by exit status (mini-swe-agent's
 * `exit_statuses_*.yaml`), merged with the previous runs' and rewritten atomically.
 * @module
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../atomic-write.js";

export class ExitStatusStore {
  readonly path: string;
  #byId = new Map<string, string>();
  #chain: Promise<void> = Promise.resolve();

  private constructor(outputDir: string) {
    this.path = join(outputDir, "exit_statuses.json");
  }

  static async open(outputDir: string): Promise<ExitStatusStore> {
    const store = new ExitStatusStore(outputDir);
    try {
      const doc = JSON.parse(await readFile(store.path, "utf8")) as {
        instances_by_exit_status?: Record<string, string[]>;
      };
      for (const [status, ids] of Object.entries(doc.instances_by_exit_status ?? {})) {
        for (const id of ids) store.#byId.set(id, status);
      }
    } catch {
      // missing or unreadable: start empty
    }
    return store;
  }

  set(instanceId: string, status: string): Promise<void> {
    this.#byId.set(instanceId, status);
    const next = this.#chain.then(() => writeFileAtomic(this.path, this.render()));
    this.#chain = next.catch(() => undefined);
    return next;
  }

  grouped(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [id, status] of [...this.#byId].sort(([a], [b]) => a.localeCompare(b))) {
      (out[status] ??= []).push(id);
    }
    return out;
  }

  render(): string {
    return `${JSON.stringify({ instances_by_exit_status: this.grouped() }, null, 2)}\n`;
  }

  flush(): Promise<void> {
    return this.#chain;
  }
}
