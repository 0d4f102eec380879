/**
 * Router command templates (see router-process.ts for the placeholders): our proxy in
 * `--policy original` mode, and the Python original ThunderAgent run from a checkout of it.
 *
 * The original hard-codes its force-resume timeout (1800 s, a default argument of the router's
 * wait-for-resume method). Its command therefore starts Python with a one-line `-c` program that
 * imports the router module, replaces that default by {forceResumeS}, and calls the original's own
 * `main()` with the remaining arguments: nothing of the original is copied or edited.
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is apps/conformance/src/commands.ts). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export const SCENARIO_DIR = join(REPO_ROOT, "apps", "conformance", "scenarios");
export const GOLDEN_DIR = join(REPO_ROOT, "apps", "conformance", "golden");
/** The commit of the Python original the committed goldens were recorded from. */
export const ORIGINAL_COMMIT = "a7eef77a0e6dc4015efec5465e13a4923f2c8b19";

/** The flags every run gets: tr scheduling, metrics polling and profiling on, loopback only. */
const COMMON =
  "--host 127.0.0.1 --port {port} --backends {backends} --router tr --metrics" +
  " --metrics-interval {metricsInterval} --scheduler-interval {schedulerInterval}" +
  " --profile --profile-dir {profileDir} --log-level warning {flags}";

/** Our proxy from source (tsx), the original's policy, the scenario's force-resume timeout. */
export function oursCommand(): string {
  const tsx = join(REPO_ROOT, "node_modules", "tsx", "dist", "esm", "index.mjs");
  const main = join(REPO_ROOT, "apps", "proxy", "src", "main.ts");
  return (
    `exec "${process.execPath}" --conditions=@thunderagent/source --import "file://${tsx}" "${main}"` +
    ` ${COMMON} --policy original --force-resume-timeout {forceResumeS} --health-interval 1`
  );
}

const PY_MAIN = [
  "import sys",
  "import ThunderAgent.scheduler.router as r",
  "r.MultiBackendRouter._wait_for_resume.__defaults__ = (float(sys.argv[1]),)",
  "sys.argv = ['ThunderAgent'] + sys.argv[2:]",
  "from ThunderAgent.__main__ import main",
  "sys.exit(main())",
].join("; ");

/**
 * The Python original, from `checkout` (a directory holding the `ThunderAgent` package), with
 * `python` (which needs fastapi, uvicorn and httpx).
 */
export function pythonOriginalCommand(checkout: string, python = "python3"): string {
  return `cd "${checkout}" && exec ${python} -c "${PY_MAIN}" {forceResumeS} ${COMMON}`;
}
