/**
 * The environment classes, one line each: name → loader of the adapter's {@link EnvironmentClass}
 * record. The names are declared here only: the class-name type and the zod enum (config,
 * command lines) are derived from this object's keys. Adapters load on first use, so this module
 * (and the config that imports it) stays pure. A new class is its adapter file plus one line here
 * (docs/extending.md).
 * @module
 */
import { z } from "zod";
import type { EnvironmentClass } from "./environment-class.js";

export const ENVIRONMENT_CLASSES = {
  docker: () => import("../docker/index.js").then((m) => m.dockerClass),
  local: () => import("../local/index.js").then((m) => m.localClass),
} as const satisfies Record<string, () => Promise<EnvironmentClass>>;

export type EnvironmentClassName = keyof typeof ENVIRONMENT_CLASSES;

/** The registry's keys, in declaration order. */
export const ENVIRONMENT_CLASS_NAMES = Object.keys(ENVIRONMENT_CLASSES) as [
  EnvironmentClassName,
  ...EnvironmentClassName[],
];

/** The zod enum of registered class names (`environment.environment_class`, `--environment-class`). */
export const EnvironmentClassName = z.enum(ENVIRONMENT_CLASS_NAMES);

/** Loads a registered class's record (its adapter module is imported on first use). */
export function loadEnvironmentClass(name: EnvironmentClassName): Promise<EnvironmentClass> {
  return ENVIRONMENT_CLASSES[name]();
}
