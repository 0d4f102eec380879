import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  UsageError,
  callerCwd,
  flagBool,
  helpText,
  packageVersion,
  parseCommandLine,
  resolveFromCaller,
  usageLine,
  validate,
  type CliDefinition,
} from "../src/index.js";

const DEF: CliDefinition = {
  name: "demo",
  summary: "a demo",
  version: "1.2.3",
  envPrefix: "DEMO",
  abbreviations: true,
  options: {
    port: { value: "N", help: "port", expect: "an integer 0–65535" },
    "metrics-interval": { value: "S", help: "seconds" },
    metrics: { help: "poll metrics" },
    "metrics-port": { value: "N", help: "another" },
    backends: { value: "URLS", help: "urls" },
    "profile-dir": { value: "DIR", help: "where", path: true },
    config: { value: "FILE", short: "c", help: "repeatable", repeat: true, path: true },
    secret: { value: "S", help: "no env", env: false },
  },
};

const Schema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8300),
  metricsInterval: z.coerce.number().positive().default(5),
  metrics: flagBool.default(false),
  metricsPort: z.coerce.number().optional(),
  backends: z.enum(["a", "b"]).optional(),
  profileDir: z.string().optional(),
  config: z.array(z.string()).default([]),
  secret: z.string().optional(),
});

const run = (argv: string[], env: Record<string, string> = {}, cwd = "/cwd") => {
  const p = parseCommandLine(DEF, argv, { env, cwd });
  if (p.kind !== "run") throw new Error(p.kind);
  return validate(DEF, Schema, p);
};
const error = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error("no error");
};

describe("parseCommandLine", () => {
  it("--help and --version run nothing and return their text", () => {
    const help = parseCommandLine(DEF, ["--port", "x", "--help"]);
    expect(help.kind).toBe("help");
    expect(help.kind === "help" && help.text).toMatch(/Usage: demo/);
    expect(help.kind === "help" && help.text).toMatch(/--port <N> +port \[\$DEMO_PORT\]/);
    expect(help.kind === "help" && help.text).not.toMatch(/DEMO_SECRET/);
    expect(parseCommandLine(DEF, ["--version"])).toEqual({ kind: "version", text: "1.2.3\n" });
    expect(helpText(DEF)).toMatch(/-c, --config <FILE>/);
  });

  it("accepts unique prefixes, as argparse does, and rejects ambiguous ones", () => {
    expect(run(["--metrics-int", "2", "--po=7"]).metricsInterval).toBe(2);
    expect(run(["--po=7"]).port).toBe(7);
    // An exact name wins over the longer names it is a prefix of.
    expect(run(["--metrics"]).metrics).toBe(true);
    expect(error(() => run(["--metrics-", "2"]))).toBe(
      "ambiguous option: --metrics- could match --metrics-interval, --metrics-port",
    );
    // A value that looks like an option is still the value.
    expect(run(["--secret", "--po"]).secret).toBe("--po");
  });

  it("suggests the option meant", () => {
    expect(error(() => run(["--bakends", "a"]))).toBe(
      "unknown option '--bakends'; did you mean --backends?",
    );
    // Without prefixes, a shortened name is unknown, and suggested.
    const strict = { ...DEF, abbreviations: false };
    expect(() => parseCommandLine(strict, ["--backend", "a"])).toThrow(
      "unknown option '--backend'; did you mean --backends?",
    );
    expect(error(() => run(["stray"]))).toMatch(/too many arguments/);
  });

  it("reads the variable when the flag is absent; the flag wins", () => {
    expect(run([], { DEMO_PORT: "9" }).port).toBe(9);
    expect(run(["--port", "10"], { DEMO_PORT: "9" }).port).toBe(10);
    expect(run([], { DEMO_METRICS: "0" }).metrics).toBe(false);
    expect(run([], { DEMO_METRICS: "yes" }).metrics).toBe(true);
    expect(run([], { DEMO_PORT: "" }).port).toBe(8300);
    expect(run([], { DEMO_SECRET: "s" }).secret).toBeUndefined();
    expect(run([], { DEMO_CONFIG: "/a.yaml, b.yaml" }).config).toEqual(["/a.yaml", "/cwd/b.yaml"]);
  });

  it("resolves path options against INIT_CWD, else the cwd", () => {
    expect(run(["--profile-dir", "out"]).profileDir).toBe("/cwd/out");
    expect(run(["--profile-dir", "out"], { INIT_CWD: "/home/me" }).profileDir).toBe("/home/me/out");
    expect(run(["--profile-dir", "/abs"], { INIT_CWD: "/home/me" }).profileDir).toBe("/abs");
    expect(run(["-c", "a.yaml", "-c", "b.yaml"], { INIT_CWD: "/u" }).config).toEqual([
      "/u/a.yaml",
      "/u/b.yaml",
    ]);
    expect(callerCwd({}, "/x")).toBe("/x");
    expect(callerCwd({ INIT_CWD: "/y" }, "/x")).toBe("/y");
    expect(resolveFromCaller("f", { INIT_CWD: "/y" })).toBe("/y/f");
  });
});

describe("validate", () => {
  it("words each issue as the flag, what it must be, and what it got", () => {
    expect(error(() => run(["--port", "abc"]))).toBe(
      '--port must be an integer 0–65535, got "abc"',
    );
    expect(error(() => run([], { DEMO_PORT: "x" }))).toBe(
      '--port (from DEMO_PORT) must be an integer 0–65535, got "x"',
    );
    expect(error(() => run(["--metrics-interval", "0"]))).toBe(
      '--metrics-interval must be > 0, got "0"',
    );
    expect(error(() => run(["--backends", "c"]))).toBe('--backends must be one of a, b, got "c"');
    expect(error(() => run([], { DEMO_METRICS: "maybe" }))).toBe(
      '--metrics (from DEMO_METRICS) must be true or false, got "maybe"',
    );
  });

  it("prints one line pointing to --help", () => {
    expect(usageLine("demo", "a\nb")).toBe("demo: a; b (see --help)\n");
  });
});

describe("packageVersion", () => {
  it("is the version of the package the module belongs to", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    expect(packageVersion(import.meta.url)).toBe(pkg.version);
  });
});
