/**
 * SWE-bench instances (the Hugging Face `princeton-nlp/SWE-bench*` schema) and `preds.json`.
 * `FAIL_TO_PASS` / `PASS_TO_PASS` arrive as JSON-encoded strings from the datasets server and as
 * arrays from JSON files; both parse to `string[]`.
 * @module
 */
import { z } from "zod";

const testList = z.union([
  z.array(z.string()),
  z.string().transform((text, ctx) => {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed) && parsed.every((t) => typeof t === "string"))
        return parsed as string[];
    } catch {
      // fall through to the issue below
    }
    ctx.addIssue({ code: "custom", message: "expected a JSON array of test names" });
    return z.NEVER;
  }),
]);

export const SweBenchInstance = z.looseObject({
  instance_id: z.string().min(1),
  repo: z.string().min(1),
  base_commit: z.string(),
  problem_statement: z.string(),
  patch: z.string(),
  test_patch: z.string(),
  FAIL_TO_PASS: testList,
  PASS_TO_PASS: testList,
  version: z.string(),
  environment_setup_commit: z.string(),
  created_at: z.string(),
  hints_text: z.string(),
  image_name: z.string().optional(),
});
export type SweBenchInstance = z.infer<typeof SweBenchInstance>;

/** The docker image SWE-bench publishes for an instance (`__` becomes `_1776_`). */
export function sweBenchImageName(
  instance: Pick<SweBenchInstance, "instance_id" | "image_name">,
): string {
  if (instance.image_name) return instance.image_name;
  const id = instance.instance_id.replaceAll("__", "_1776_").toLowerCase();
  return `docker.io/swebench/sweb.eval.x86_64.${id}:latest`;
}

export const Prediction = z.strictObject({
  model_name_or_path: z.string(),
  instance_id: z.string().min(1),
  model_patch: z.string(),
});
export type Prediction = z.infer<typeof Prediction>;

/** `preds.json`: `{instance_id: {model_name_or_path, instance_id, model_patch}}`, keys matching ids. */
export const Predictions = z.record(z.string(), Prediction).superRefine((preds, ctx) => {
  for (const [key, pred] of Object.entries(preds)) {
    if (pred.instance_id !== key) {
      ctx.addIssue({
        code: "custom",
        path: [key, "instance_id"],
        message: `must equal its key "${key}", got "${pred.instance_id}"`,
      });
    }
  }
});
export type Predictions = z.infer<typeof Predictions>;
