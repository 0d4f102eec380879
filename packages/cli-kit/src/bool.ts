/**
 * A flag without a value as zod sees it: `true` from the command line, or its environment
 * variable's text (`1`, `true`, `yes`, `on` / `0`, `false`, `no`, `off`).
 * @module
 */
import { z } from "zod";

const TRUE = ["1", "true", "yes", "on"];
const FALSE = ["0", "false", "no", "off", ""];

export const flagBool = z.union([
  z.boolean(),
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((s) => TRUE.includes(s) || FALSE.includes(s), { message: "must be true or false" })
    .transform((s) => TRUE.includes(s)),
]);
