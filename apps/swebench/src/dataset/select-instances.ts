/**
 * mini-swe-agent's `filter_instances`: optional shuffle (ids sorted, then a seeded shuffle), then
 * `--filter` (a regex matched at the start of the id, like `re.match`), then `--slice`
 * (`start:stop[:step]`, Python slice semantics). Pure.
 * @module
 */
import { mulberry32 } from "@thunderagent/protocol";
import { SwebenchError } from "../errors.js";

export interface SelectOptions {
  filter?: string;
  slice?: string;
  shuffle?: boolean;
  seed?: number;
}

export function selectInstances<T extends { instance_id: string }>(
  instances: readonly T[],
  options: SelectOptions,
): T[] {
  let out = [...instances];
  if (options.shuffle) {
    out.sort((a, b) =>
      a.instance_id < b.instance_id ? -1 : a.instance_id > b.instance_id ? 1 : 0,
    );
    shuffleInPlace(out, mulberry32(options.seed ?? 42));
  }
  if (options.filter) {
    const re = new RegExp(
      options.filter.startsWith("^") ? options.filter : `^(?:${options.filter})`,
    );
    out = out.filter((i) => re.test(i.instance_id));
  }
  if (options.slice) out = pythonSlice(out, options.slice);
  return out;
}

export function pythonSlice<T>(items: readonly T[], spec: string): T[] {
  const parts = spec.split(":").map((p) => (p.trim() === "" ? null : Number(p)));
  if (parts.length > 3 || parts.some((p) => p !== null && !Number.isInteger(p))) {
    throw new SwebenchError(
      "invalid_slice",
      `invalid slice "${spec}": expected start:stop[:step] with integers`,
    );
  }
  if (parts.length === 1) {
    // "5" means the first 5 in mini-swe-agent (slice(5) == [:5]).
    return items.slice(0, parts[0] ?? items.length);
  }
  const [start, stop, step = 1] = parts as [number | null, number | null, number | null];
  const s = step ?? 1;
  if (s === 0)
    throw new SwebenchError("invalid_slice", `invalid slice "${spec}": step must not be 0`);
  const n = items.length;
  const norm = (v: number | null, dflt: number) =>
    v === null ? dflt : v < 0 ? Math.max(v + n, s > 0 ? 0 : -1) : Math.min(v, s > 0 ? n : n - 1);
  const out: T[] = [];
  if (s > 0) {
    for (let i = norm(start, 0); i < norm(stop, n); i += s) out.push(items[i]!);
  } else {
    for (let i = norm(start, n - 1); i > norm(stop, -1); i += s) out.push(items[i]!);
  }
  return out;
}

function shuffleInPlace<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
