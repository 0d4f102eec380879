/**
 * The `thunderagent` command line: the Python original's flags and ours, in one table that drives
 * parsing, the `THUNDERAGENT_*` variables, `--help` and the error lines (cli-kit). Unique prefixes
 * are accepted, as argparse accepts them (`--metrics-int 2`).
 * @module
 */
import { RouterMode } from "@thunderagent/protocol";
import { defineCli, envVarName, helpText, type OptionSpec } from "@thunderagent/cli-kit";
import {
  BACKEND_TYPE_NAMES,
  DEFAULT_ROUTER_OPTIONS as OURS,
  MARK_REASONING_MODES,
  ORIGINAL_THUNDERAGENT_OPTIONS as ORIGINAL,
  RESTORE_NEEDS,
  RESUME_PLACEMENTS,
  SHARED_CREDIT_MODES,
  TOKEN_ESTIMATES,
  type RestoreOrder,
  type RouterOptions,
} from "@thunderagent/router-core";
import { RELIABILITY_FLAGS } from "./reliability/options.js";

const RESTORE_ORDER_SET: Record<RestoreOrder, true> = {
  current: true,
  "at-pause": true,
  "least-service": true,
};
/** router-core's `RestoreOrder` values (it exports the type only). */
export const RESTORE_ORDERS = Object.keys(RESTORE_ORDER_SET) as RestoreOrder[];

const SECONDS = "a number of seconds > 0";

/** `(policy's: 600; original: 100)`: a preset-overriding flag's values in both presets. */
function presets(key: keyof RouterOptions): string {
  const shown = (v: unknown) => (v === null || v === false ? "off" : v === true ? "on" : String(v));
  return `(policy's: ${shown(OURS[key])}; original: ${shown(ORIGINAL[key])})`;
}

/**
 * The scheduling policy v2 options (router-core README, "Policy options"): each overrides its
 * setting of the --policy preset; those whose router-core value may be null take `off`.
 */
const POLICY_V2_FLAGS = {
  "resume-placement": {
    value: "WHERE",
    help: `${RESUME_PLACEMENTS.join("|")}: where a paused program resumes ${presets("resumePlacement")}`,
  },
  "resume-move-after": {
    value: "S|off",
    help: `origin-first: move off a full origin after waiting S seconds ${presets("resumeMoveAfterS")}`,
  },
  "resume-move-headroom": {
    value: "R|off",
    help: `origin-first: move at once to a backend with room ≥ R × the need ${presets("resumeMoveHeadroom")}`,
  },
  "restore-boost-after": {
    value: "S|off",
    help: `programs paused S seconds are restored first ${presets("restoreBoostAfterS")}`,
  },
  "wait-guard-after": {
    value: "S|off",
    help: `a request waiting S seconds gets its program in by swapping out acting ones, within capacity ${presets("waitGuardAfterS")}`,
  },
  "wait-guard-quantum": {
    value: "S",
    help: `the wait guard swaps out only programs resident S seconds or longer ${presets("waitGuardQuantumS")}`,
  },
  "acting-lease": {
    value: "S|off",
    help: `an acting program idle S seconds stops reserving its tokens ${presets("actingLeaseS")}`,
  },
  "acting-lease-tool-factor": {
    value: "F|off",
    help: `a program's lease is at least F × its own mean tool time ${presets("actingLeaseToolFactor")}`,
  },
  "kv-usage-smoothing": {
    value: "S|off",
    help: `time constant of the KV-usage EWMA, seconds ${presets("kvUsageSmoothingS")}`,
  },
  "kv-high-watermark": {
    value: "F|off",
    help: `KV usage 0–1 at which reasoning programs are marked ${presets("kvHighWatermark")}`,
  },
  "kv-pause-target": {
    value: "F|off",
    help: `KV usage 0–1 the high watermark marks down to (off: the low one) ${presets("kvPauseTarget")}`,
  },
  "kv-low-watermark": {
    value: "F|off",
    help: `no admissions or restores onto a backend above this KV usage ${presets("kvLowWatermark")}`,
  },
  "gate-queued-backends": {
    value: "on|off",
    help: `no admissions or restores onto a backend with queued requests ${presets("gateQueuedBackends")}`,
  },
  "token-estimate": {
    value: "WHOSE",
    help: `${TOKEN_ESTIMATES.join("|")} chars-per-token ratio ${presets("tokenEstimate")}`,
  },
  "restore-need": {
    value: "NEED",
    help: `${RESTORE_NEEDS.join("|")}: room a paused acting program needs ${presets("restoreNeed")}`,
  },
  "restore-order": {
    value: "ORDER",
    help: `${RESTORE_ORDERS.join("|")}: order within a restore group ${presets("restoreOrder")}`,
  },
  "victim-penalty": {
    value: "P",
    help: `pause order × (1 + P × recent pauses), 0 = off ${presets("victimPenalty")}`,
    expect: "a number ≥ 0",
  },
  "victim-memory": {
    value: "S",
    help: `time constant, seconds, of a program's recent pauses ${presets("victimMemoryS")}`,
    expect: SECONDS,
  },
} as const satisfies Record<string, OptionSpec>;

/** Flag → its spec; the parsed value's key is the flag in camelCase (a ProxyConfig key). */
export const FLAGS = {
  host: { value: "HOST", help: "address to listen on (0.0.0.0)" },
  port: {
    value: "PORT",
    help: "port to listen on (8300; 0 = any free port)",
    expect: "an integer 0–65535",
  },
  "log-level": { value: "LEVEL", help: "trace|debug|info|warn|error|fatal|silent (info)" },
  backends: { value: "URLS", help: "comma-separated backend URLs (http://localhost:8000)" },
  "backend-type": { value: "TYPE", help: `${BACKEND_TYPE_NAMES.join("|")} (vllm)` },
  router: { value: "MODE", help: `${RouterMode.options.join("|")} (tr)` },
  profile: { help: "profile every step; rows appended to <profile-dir>/step_profiles.csv" },
  "profile-dir": { value: "DIR", help: "(/tmp/thunderagent_profiles)", path: true },
  metrics: { help: "poll every backend's /metrics periodically" },
  "metrics-interval": { value: "S", help: "seconds between metrics polls (5)", expect: SECONDS },
  "scheduler-interval": {
    value: "S",
    help: "seconds between scheduler ticks (5)",
    expect: SECONDS,
  },
  "acting-token-weight": {
    value: "W",
    help: "weight of acting tokens (1.0)",
    expect: "a number ≥ 0",
  },
  "use-acting-token-decay": { help: "decay acting tokens as w·x^(−t) when restoring" },
  "acting-decay-base": { value: "X", help: "x of the decay (2)", expect: "a number > 1" },
  policy: {
    value: "P",
    help: "default|original: router-core's defaults or the Python original's policy (default); the flags below override one setting each",
  },
  "buffer-per-program": {
    value: "TOKENS",
    help: `headroom per program (policy's: ${OURS.bufferPerProgram}; original: ${ORIGINAL.bufferPerProgram})`,
    expect: "a whole number of tokens ≥ 0",
  },
  "shared-credit": {
    value: "WHEN",
    help: `${SHARED_CREDIT_MODES.join("|")} (policy's: ${OURS.sharedCredit}; original: ${ORIGINAL.sharedCredit})`,
  },
  "mark-reasoning": {
    value: "WHICH",
    help: `${MARK_REASONING_MODES.join("|")} (policy's: ${OURS.markReasoning}; original: ${ORIGINAL.markReasoning})`,
  },
  ...POLICY_V2_FLAGS,
  "body-limit": { value: "SIZE", help: "largest request body: bytes, 64MiB, 512k… (64MiB)" },
  "docker-gc": { help: "remove a program's docker_ids on release" },
  "api-key": { value: "KEY", help: "require Authorization: Bearer <KEY> (not on /health)" },
  "backend-api-key": { value: "KEY", help: "Bearer key sent to the backends" },
  "upstream-timeout": {
    value: "S",
    help: "total seconds for one upstream call (none)",
    expect: SECONDS,
  },
  "connect-timeout": { value: "S", help: "seconds to connect to a backend (10)", expect: SECONDS },
  "force-resume-timeout": {
    value: "S",
    help: "a paused request goes through after (1800)",
    expect: SECONDS,
  },
  "abandon-timeout": {
    value: "S",
    help: "an idle program is reclaimed after (1800)",
    expect: SECONDS,
  },
  "health-interval": {
    value: "S",
    help: "seconds between backend /health checks (5)",
    expect: SECONDS,
  },
  "weight-sync-timeout": {
    value: "S",
    help: "a weight sync left open is ended after (300)",
    expect: SECONDS,
  },
  ...RELIABILITY_FLAGS,
} as const satisfies Record<string, OptionSpec>;

export const ENV_PREFIX = "THUNDERAGENT";

/** `--backend-api-key` → `THUNDERAGENT_BACKEND_API_KEY`. */
export function envName(flag: string): string {
  return envVarName(ENV_PREFIX, flag);
}

/** The command line's definition (cli-kit). */
export const PROXY_CLI = defineCli(import.meta.url, {
  name: "thunderagent",
  summary:
    "The ThunderAgent router: program-aware scheduling in front of vLLM/SGLang backends (a drop-in for python -m ThunderAgent).",
  envPrefix: ENV_PREFIX,
  abbreviations: true,
  options: FLAGS,
  epilog: [
    "Every flag can also be set as THUNDERAGENT_<FLAG> in the environment (--scheduler-interval:",
    "THUNDERAGENT_SCHEDULER_INTERVAL; flags without a value take 1/0, true/false); the flag wins.",
    "Long flags may be shortened to any unique prefix (--metrics-int 2). A relative --profile-dir",
    "is taken from the directory the command was run in (INIT_CWD under pnpm/npm).",
  ].join("\n"),
});

/** The `--help` text. */
export function usage(): string {
  return helpText(PROXY_CLI);
}
