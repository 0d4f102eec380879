export { BenchError } from "./errors.js";
export type { BenchErrorCode } from "./errors.js";
