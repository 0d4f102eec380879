/** `--dry-run`: the plan as the shell commands a real run would start, in launch order. */
import { fmtNum } from "./entries.js";
import type { Plan } from "./plan-types.js";
import { formatCommand } from "./shell.js";

/** The dry-run listing: every command with all its flags, in launch order. */
export function formatPlan(plan: Plan): string {
  const lines: string[] = [];
  const head = `# reproduce ${plan.preset.name} (${plan.mode}): ${plan.model}, ${plan.workers} workers`;
  lines.push(head);
  if (plan.timeScale !== null) {
    lines.push(
      `# time scale ${plan.timeScale}: one simulated minute takes ${fmtNum(plan.minuteS)} s`,
    );
  }
  lines.push(
    `# window: minutes ${plan.window.startMin}–${plan.window.endMin} after start; ` +
      (plan.stopAfterMin === null
        ? "the runner runs to completion"
        : `stop at minute ${plan.stopAfterMin}`),
  );
  for (const n of plan.notes) lines.push(`# note: ${n}`);
  if (plan.dataset) lines.push(`# write the sample dataset, repeated: ${plan.dataset.path}`);
  if (plan.download)
    lines.push(formatCommand(plan.download.command, plan.download.args, plan.download.env));
  for (const s of plan.systems) {
    lines.push("", `# system: ${s.system}`);
    for (const p of [...s.engines, ...(s.proxy ? [s.proxy] : []), ...s.runners]) {
      lines.push(`${formatCommand(p.command, p.args, p.env)}  > ${p.logFile} 2>&1`);
      if (p.health) lines.push(`#   wait for ${p.health.url} (timeout ${p.health.timeoutS} s)`);
    }
    lines.push(
      `# steps counted from ${s.stepSource.kind === "profile-csv" ? s.stepSource.path : s.stepSource.dirs.map((d) => `${d}/*/*.traj.json`).join(" ")}`,
    );
  }
  lines.push("", `# report: ${plan.reportPath}`);
  return lines.join("\n");
}
