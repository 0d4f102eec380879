/**
 * `--sweep --dry-run`: the cells in the order they would run and, for a real or simulated sweep,
 * the commands of the first N's two cells (the other N differ only in `-w`). Writes nothing.
 * @module
 */
import type { SweepManifest } from "@thunderagent/protocol";
import { formatPlan } from "../dry-run.js";
import type { Options } from "../options.js";
import { baseFacts, gpuSets } from "../run-setup.js";
import { planCell } from "./cell-pipeline.js";

export async function sweepDryRun(o: Options, m: SweepManifest, dir: string): Promise<string> {
  const lines = [
    `# sweep ${m.sweep_id} (${m.mode}): ${m.model}, N = ${m.ns.join(", ")}, ${m.repeat} round(s), ${m.cells.length} cells`,
    `# directory: ${dir}`,
    ...m.cells.map((c, i) => `#   ${i + 1}. ${c.id}`),
  ];
  if (m.mode === "virtual") {
    lines.push("# each cell: bench:sched's virtual-time simulation, in this process");
    return lines.join("\n");
  }
  const notes: string[] = [];
  const deps = {
    options: o,
    facts: baseFacts(o, await gpuSets(o, notes)),
    sweepDir: dir,
  };
  for (const n of notes) lines.push(`# note: ${n}`);
  for (const cell of m.cells.filter((c) => c.n === m.ns[0] && c.round === 1)) {
    lines.push("", formatPlan(planCell(deps, cell)));
  }
  return lines.join("\n");
}
