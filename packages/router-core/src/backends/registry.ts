/**
 * The backend types, one line each: `--backend-type`'s names, the proxy's monitor and reproduce's
 * engine meter all come from here (docs/extending.md, "A new backend type").
 * @module
 */
import type { BackendType } from "./backend-type.js";
import { sglangBackend } from "./sglang.js";
import { skyrlBackend } from "./skyrl.js";
import { vllmBackend } from "./vllm.js";

export const BACKEND_TYPES = {
  vllm: vllmBackend,
  sglang: sglangBackend,
  skyrl: skyrlBackend,
} as const satisfies Record<string, BackendType>;

export type BackendTypeName = keyof typeof BACKEND_TYPES;

/** The names, registry order (vllm first: the default). */
export const BACKEND_TYPE_NAMES = Object.keys(BACKEND_TYPES) as [
  BackendTypeName,
  ...BackendTypeName[],
];

export function isBackendTypeName(name: string): name is BackendTypeName {
  return Object.hasOwn(BACKEND_TYPES, name);
}

export function backendType(name: BackendTypeName): BackendType {
  return BACKEND_TYPES[name];
}
