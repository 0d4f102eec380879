/**
 * `preds.json` (`{instance_id: {model_name_or_path, instance_id, model_patch}}`), rewritten
 * atomically after every instance. Updates are serialised through one promise chain, so
 * concurrent workers never lose each other's entries.
 * @module
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type Prediction, Predictions, parseOrThrow } from "@thunderagent/protocol";
import { writeFileAtomic } from "../atomic-write.js";

export class PredsStore {
  readonly path: string;
  #preds: Predictions = {};
  #chain: Promise<void> = Promise.resolve();

  private constructor(outputDir: string) {
    this.path = join(outputDir, "preds.json");
  }

  /** Loads the existing file (a missing file is empty; an invalid one is an error). */
  static async open(outputDir: string): Promise<PredsStore> {
    const store = new PredsStore(outputDir);
    let text: string | null = null;
    try {
      text = await readFile(store.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    if (text !== null && text.trim() !== "") {
      store.#preds = parseOrThrow(Predictions, JSON.parse(text), store.path);
    } else {
      // Always leave a valid file, even if the run stops before its first instance finishes.
      await writeFileAtomic(store.path, "{}\n");
    }
    return store;
  }

  has(instanceId: string): boolean {
    return Object.hasOwn(this.#preds, instanceId);
  }

  get size(): number {
    return Object.keys(this.#preds).length;
  }

  snapshot(): Predictions {
    return { ...this.#preds };
  }

  /** Sets (or, with `null`, removes) one prediction and rewrites the file. */
  update(instanceId: string, prediction: Prediction | null): Promise<void> {
    const next = this.#chain.then(async () => {
      if (prediction === null) delete this.#preds[instanceId];
      else this.#preds[instanceId] = prediction;
      await writeFileAtomic(this.path, `${JSON.stringify(this.#preds, null, 2)}\n`);
    });
    this.#chain = next.catch(() => undefined);
    return next;
  }

  /** Resolves when every pending write has finished. */
  flush(): Promise<void> {
    return this.#chain;
  }
}
