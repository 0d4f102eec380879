/**
 * The scheduling policy v2 flags (router-core README, "Policy options"): each one, from the
 * command line or its THUNDERAGENT_* variable, reaches the Router's options; `--policy original`
 * stays the original's values and a flag overrides one setting of either preset; a bad value is
 * one line naming the flag.
 */
import {
  DEFAULT_ROUTER_OPTIONS,
  ORIGINAL_THUNDERAGENT_OPTIONS,
  type RouterOptions,
} from "@thunderagent/router-core";
import { describe, expect, it } from "vitest";
import { ConfigError, envName, readCommandLine, usage } from "../src/config.js";
import { createRouter, routerOptions } from "../src/create-router.js";

function optionsOf(argv: string[], env: Record<string, string> = {}): RouterOptions {
  const cl = readCommandLine(argv, env);
  if (cl.kind !== "run") throw new Error(cl.kind);
  return routerOptions(cl.config);
}

/** The message of the ConfigError `fn` throws. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("no error");
}

/** [flag, value given, RouterOptions key, the value it gets]: one setting each, off by default. */
const V2: ReadonlyArray<readonly [string, string, keyof RouterOptions, unknown]> = [
  ["resume-placement", "origin-first", "resumePlacement", "origin-first"],
  ["resume-move-after", "45", "resumeMoveAfterS", 45],
  ["resume-move-headroom", "1.5", "resumeMoveHeadroom", 1.5],
  ["restore-boost-after", "900", "restoreBoostAfterS", 900],
  ["wait-guard-after", "240", "waitGuardAfterS", 240],
  ["wait-guard-quantum", "90", "waitGuardQuantumS", 90],
  ["acting-lease", "30", "actingLeaseS", 30],
  ["acting-lease-tool-factor", "3", "actingLeaseToolFactor", 3],
  ["kv-usage-smoothing", "2.5", "kvUsageSmoothingS", 2.5],
  ["kv-high-watermark", "0.95", "kvHighWatermark", 0.95],
  ["kv-pause-target", "0.8", "kvPauseTarget", 0.8],
  ["kv-low-watermark", "0.85", "kvLowWatermark", 0.85],
  ["token-estimate", "per-program", "tokenEstimate", "per-program"],
  ["restore-need", "next-step", "restoreNeed", "next-step"],
  ["restore-order", "least-service", "restoreOrder", "least-service"],
  ["victim-penalty", "0.5", "victimPenalty", 0.5],
  ["victim-memory", "120", "victimMemoryS", 120],
];

/** The flags that existed before the v2 options, and the keys they set. */
const OLDER_FLAG_KEYS: ReadonlyArray<keyof RouterOptions> = [
  "mode",
  "actingTokenWeight",
  "useActingTokenDecay",
  "actingDecayBase",
  "bufferPerProgram",
  "sharedCredit",
  "markReasoning",
  "forceResumeAfterS",
  "abandonAfterS",
  "profile",
];

/** Settings only a preset sets: the original's quirks (conformance) and internal constants. */
const PRESET_ONLY: ReadonlyArray<keyof RouterOptions> = [
  "initialCharsPerToken",
  "streamUpdateEveryChunks",
  "payloadChars",
  "capacityFrom",
  "futurePausedTokens",
  "releasedRequestsTo",
  "forceResumeTo",
  "actingDecay",
  "pauseTies",
  "unknownCapacity",
];

describe("policy v2 flags", () => {
  it("cover every RouterOptions setting that is not a preset-only one", () => {
    const covered = new Set<string>([
      ...V2.map(([, , key]) => key),
      "gateQueuedBackends",
      ...OLDER_FLAG_KEYS,
      ...PRESET_ONLY,
    ]);
    expect(Object.keys(DEFAULT_ROUTER_OPTIONS).filter((k) => !covered.has(k))).toEqual([]);
  });

  it("default to the preset's values: router-core's defaults, or the original's", () => {
    const ours = optionsOf([]);
    const original = optionsOf(["--policy", "original"]);
    expect(original).toEqual({ ...ORIGINAL_THUNDERAGENT_OPTIONS, profile: false });
    for (const [, , key] of V2) {
      expect(ours[key], key).toEqual(DEFAULT_ROUTER_OPTIONS[key]);
      expect(original[key], key).toEqual(ORIGINAL_THUNDERAGENT_OPTIONS[key]);
    }
    // The v2 defaults kept by measurement (docs/results/scheduling.md); the original has none.
    expect(ours).toMatchObject({
      gateQueuedBackends: true,
      actingLeaseS: 15,
      victimPenalty: 1,
      tokenEstimate: "per-program",
      resumePlacement: "origin-first",
      resumeMoveAfterS: 60,
    });
    expect(original).toMatchObject({
      gateQueuedBackends: false,
      actingLeaseS: null,
      resumePlacement: "best-fit",
    });
  });

  it.each(V2)(
    "--%s %s sets %s, as flag and as variable, over either preset",
    (flag, v, key, want) => {
      expect(optionsOf([`--${flag}`, v])[key]).toEqual(want);
      expect(optionsOf([`--${flag}=${v}`, "--policy", "original"])[key]).toEqual(want);
      expect(optionsOf([], { [envName(flag)]: v, THUNDERAGENT_POLICY: "original" })[key]).toEqual(
        want,
      );
      // The flag wins over its variable.
      const other = optionsOf([`--${flag}`, v], { [envName(flag)]: "bogus" });
      expect(other[key]).toEqual(want);
      // Only that setting moves: the rest is the original's.
      const one = optionsOf(["--policy", "original", `--${flag}`, v]);
      expect({ ...one, [key]: ORIGINAL_THUNDERAGENT_OPTIONS[key] }).toEqual({
        ...ORIGINAL_THUNDERAGENT_OPTIONS,
        profile: false,
      });
    },
  );

  it("--gate-queued-backends and its variable take 1/0, true/false, on/off", () => {
    expect(optionsOf(["--gate-queued-backends", "off"]).gateQueuedBackends).toBe(false);
    expect(optionsOf(["--policy", "original", "--gate-queued-backends", "on"])).toMatchObject({
      gateQueuedBackends: true,
    });
    expect(optionsOf(["--gate-q", "1", "--policy", "original"]).gateQueuedBackends).toBe(true);
    for (const [text, want] of [
      ["1", true],
      ["on", true],
      ["false", false],
      ["off", false],
    ] as const) {
      const opts = optionsOf([], { THUNDERAGENT_GATE_QUEUED_BACKENDS: text });
      expect(opts.gateQueuedBackends, text).toBe(want);
    }
  });

  it("takes `off` (or `none`) for the settings router-core switches off with null", () => {
    const offable = [
      "resume-move-after",
      "resume-move-headroom",
      "restore-boost-after",
      "wait-guard-after",
      "acting-lease",
      "acting-lease-tool-factor",
      "kv-usage-smoothing",
      "kv-high-watermark",
      "kv-pause-target",
      "kv-low-watermark",
    ];
    for (const flag of offable) {
      const key = V2.find(([f]) => f === flag)![2];
      expect(optionsOf([`--${flag}`, "off"])[key], flag).toBeNull();
      expect(optionsOf([], { [envName(flag)]: "None" })[key], flag).toBeNull();
    }
    // The default origin-first moves by time only: no headroom rule until one is given.
    expect(DEFAULT_ROUTER_OPTIONS.resumeMoveHeadroom).toBeNull();
    expect(optionsOf(["--resume-move-headroom", "1.2"]).resumeMoveHeadroom).toBe(1.2);
  });

  it("reaches the Router the proxy runs", () => {
    const cl = readCommandLine(
      ["--policy", "original", "--acting-lease", "30", "--restore-order", "least-service"],
      { THUNDERAGENT_KV_HIGH_WATERMARK: "0.9", THUNDERAGENT_GATE_QUEUED_BACKENDS: "yes" },
    );
    if (cl.kind !== "run") throw new Error(cl.kind);
    expect(createRouter(cl.config).options).toMatchObject({
      bufferPerProgram: 100,
      actingLeaseS: 30,
      restoreOrder: "least-service",
      kvHighWatermark: 0.9,
      gateQueuedBackends: true,
      payloadChars: "python-json",
    });
  });

  it("lists every flag with its variable and both presets' values in --help", () => {
    const help = usage();
    for (const [flag] of [...V2, ["gate-queued-backends"]]) {
      expect(help).toContain(`--${flag}`);
      expect(help).toContain(`[$${envName(flag!)}]`);
    }
    const line = (flag: string) => help.slice(help.indexOf(`--${flag} `)).split(/\n {2}--/)[0];
    expect(line("acting-lease")).toMatch(/^--acting-lease <S\|off> +an acting program idle S/);
    expect(line("acting-lease")).toMatch(/\(policy's:\s+15;\s+original:\s+off\)/);
    expect(line("victim-memory")).toMatch(/\(policy's:\s+600;\s+original:\s+600\)/);
    expect(line("restore-order")).toMatch(/\(policy's:\s+current;\s+original:\s+at-pause\)/);
  });
});

describe("policy v2 flags: bad values", () => {
  it.each([
    [
      ["--resume-placement", "nearest"],
      '--resume-placement must be one of best-fit, origin-first, got "nearest"',
    ],
    [
      ["--resume-move-after", "0"],
      '--resume-move-after must be a number of seconds > 0 or off, got "0"',
    ],
    [
      ["--resume-move-headroom", "0.5"],
      '--resume-move-headroom must be a ratio ≥ 1 or off, got "0.5"',
    ],
    [
      ["--restore-boost-after", "soon"],
      '--restore-boost-after must be a number of seconds > 0 or off, got "soon"',
    ],
    [["--acting-lease", "-5"], '--acting-lease must be a number of seconds > 0 or off, got "-5"'],
    [
      ["--kv-usage-smoothing", ""],
      '--kv-usage-smoothing must be a number of seconds > 0 or off, got ""',
    ],
    [["--kv-high-watermark", "95"], '--kv-high-watermark must be a fraction 0–1 or off, got "95"'],
    [["--kv-pause-target", "1.1"], '--kv-pause-target must be a fraction 0–1 or off, got "1.1"'],
    [["--kv-low-watermark", "x"], '--kv-low-watermark must be a fraction 0–1 or off, got "x"'],
    [
      ["--token-estimate", "local"],
      '--token-estimate must be one of global, per-program, got "local"',
    ],
    [["--restore-need", "all"], '--restore-need must be one of tokens, next-step, got "all"'],
    [
      ["--restore-order", "fifo"],
      '--restore-order must be one of current, at-pause, least-service, got "fifo"',
    ],
    [["--victim-penalty", "-1"], '--victim-penalty must be a number ≥ 0, got "-1"'],
    [["--victim-memory", "0"], '--victim-memory must be a number of seconds > 0, got "0"'],
    [["--victim-memory", "off"], '--victim-memory must be a number of seconds > 0, got "off"'],
    [
      ["--kv-high-watermark", "0.8", "--kv-low-watermark", "0.9", "--kv-pause-target", "0.85"],
      '--kv-low-watermark must be ≤ --kv-high-watermark (0.8), got "0.9"; --kv-pause-target must be ≤ --kv-high-watermark (0.8), got "0.85"',
    ],
  ])("%j → one line naming the flag", (argv, message) => {
    const text = errorOf(() => readCommandLine(argv, {}));
    expect(text).toBe(message);
  });

  it("names the variable when the value came from the environment", () => {
    expect(errorOf(() => readCommandLine([], { THUNDERAGENT_ACTING_LEASE: "forever" }))).toBe(
      '--acting-lease (from THUNDERAGENT_ACTING_LEASE) must be a number of seconds > 0 or off, got "forever"',
    );
    expect(errorOf(() => readCommandLine([], { THUNDERAGENT_GATE_QUEUED_BACKENDS: "maybe" }))).toBe(
      '--gate-queued-backends (from THUNDERAGENT_GATE_QUEUED_BACKENDS) must be true or false, got "maybe"',
    );
  });

  it("shortened flags that became ambiguous name the candidates", () => {
    expect(errorOf(() => readCommandLine(["--kv", "0.9"], {}))).toBe(
      "ambiguous option: --kv could match --kv-usage-smoothing, --kv-high-watermark, --kv-pause-target, --kv-low-watermark",
    );
    expect(errorOf(() => readCommandLine(["--victim", "1"], {}))).toBe(
      "ambiguous option: --victim could match --victim-penalty, --victim-memory",
    );
  });
});
