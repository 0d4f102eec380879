// defineCli and parseAndValidate (an app's command line module), optionsOrExitCode and
// exitWhenDone (what every main.ts does around its work), on real definitions and zod schemas.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  UsageError,
  defineCli,
  exitWhenDone,
  helpText,
  isCliText,
  optionsOrExitCode,
  parseAndValidate,
} from "../src/index.js";

const VERSION = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

const DEMO = defineCli(import.meta.url, {
  name: "demo",
  summary: "a demo",
  usage: "<mode> [options]",
  options: { port: { value: "N", help: "port", expect: "an integer 0–65535" } },
  args: [{ name: "mode", help: "a | b" }],
  epilog: "after the options",
});
const Schema = z.object({
  mode: z.enum(["a", "b"]),
  port: z.coerce.number().int().min(0).max(65535).default(8300),
});

const read = (argv: string[]) => parseAndValidate(DEMO, Schema, argv, { env: {}, cwd: "/" });

/** optionsOrExitCode with stdout and stderr captured. */
async function entry<R extends object>(read: () => R | Promise<R>, name = "demo") {
  const out: string[] = [];
  const err: string[] = [];
  const result = await optionsOrExitCode(name, read, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
  });
  return { result, out: out.join(""), err: err.join("") };
}

describe("defineCli", () => {
  it("keeps the definition and reads --version from the caller's package.json", () => {
    expect(DEMO.name).toBe("demo");
    expect(DEMO.version).toBe(VERSION);
    expect(read(["--version"])).toEqual({ kind: "version", text: `${VERSION}\n` });
    const help = helpText(DEMO);
    expect(help).toMatch(/^Usage: demo <mode> \[options\]/);
    expect(help).toMatch(/--port <N> +port/);
  });
});

describe("parseAndValidate", () => {
  it("returns the schema's output, positionals included", () => {
    expect(read(["b", "--port", "7"])).toEqual({ mode: "b", port: 7 });
    expect(read(["a"])).toEqual({ mode: "a", port: 8300 });
  });

  it("returns --help as text and runs nothing", () => {
    const help = read(["a", "--port", "x", "--help"]);
    expect(isCliText(help) && help.kind).toBe("help");
    expect(isCliText(help) && help.text).toBe(`${helpText(DEMO)}\nafter the options\n`);
  });

  it("throws a UsageError naming the flag", () => {
    expect(() => read(["a", "--port", "x"])).toThrow(
      new UsageError('--port must be an integer 0–65535, got "x"'),
    );
    expect(() => read(["c"])).toThrow(/mode/);
    expect(() => read(["a", "--prot", "1"])).toThrow(/did you mean --port/);
  });
});

describe("isCliText", () => {
  it("tells the help/version text from options", () => {
    expect(isCliText({ kind: "help", text: "x" })).toBe(true);
    expect(isCliText({ kind: "version", text: "1\n" })).toBe(true);
    expect(isCliText({ kind: "run", config: {} })).toBe(false);
    expect(isCliText({ kind: "help" })).toBe(false);
    expect(isCliText({ mode: "a" })).toBe(false);
    expect(isCliText(null)).toBe(false);
  });
});

describe("optionsOrExitCode", () => {
  it("returns the options, printing nothing", async () => {
    expect(await entry(() => read(["a"]))).toEqual({
      result: { mode: "a", port: 8300 },
      out: "",
      err: "",
    });
    // An app's own result shape with a `kind` passes through too.
    const run = { kind: "run", config: { port: 1 } } as const;
    expect((await entry(() => run)).result).toBe(run);
  });

  it("prints --help/--version on stdout and returns 0", async () => {
    expect(await entry(() => read(["--version"]))).toEqual({
      result: 0,
      out: `${VERSION}\n`,
      err: "",
    });
    const help = await entry(() => read(["--help"]));
    expect(help.result).toBe(0);
    expect(help.out).toBe(`${helpText(DEMO)}\nafter the options\n`);
  });

  it("prints a usage error as one line on stderr and returns 2", async () => {
    expect(await entry(() => read(["a", "--port", "-1"]))).toEqual({
      result: 2,
      out: "",
      err: 'demo: --port must be an integer 0–65535, got "-1" (see --help)\n',
    });
  });

  it("waits for an async read; rethrows what is not a usage error", async () => {
    expect((await entry(async () => read(["b"]))).result).toEqual({ mode: "b", port: 8300 });
    await expect(
      entry(() => {
        throw new RangeError("not a usage error");
      }),
    ).rejects.toThrow(RangeError);
  });

  it("reports with the app's reporter when it has one", async () => {
    const err: string[] = [];
    const result = await optionsOrExitCode(
      "demo",
      () => {
        throw new RangeError("bad range");
      },
      {
        report: (e) => {
          if (!(e instanceof RangeError)) return undefined;
          err.push(e.message);
          return 3;
        },
      },
    );
    expect(result).toBe(3);
    expect(err).toEqual(["bad range"]);
  });
});

describe("exitWhenDone", () => {
  const run = async (main: Promise<number | undefined>, describe?: (e: unknown) => string) => {
    const exits: number[] = [];
    let err = "";
    await exitWhenDone("demo", main, {
      exit: (code) => exits.push(code),
      stderr: (t) => (err += t),
      ...(describe ? { describe } : {}),
    });
    return { exits, err };
  };

  it("exits with main's code", async () => {
    expect(await run(Promise.resolve(0))).toEqual({ exits: [0], err: "" });
    expect(await run(Promise.resolve(2))).toEqual({ exits: [2], err: "" });
  });

  it("does not exit when main returns no code (a server that runs on)", async () => {
    expect(await run(Promise.resolve(undefined))).toEqual({ exits: [], err: "" });
  });

  it("prints a crash as `<name>: <stack>` and exits 1; describe words it otherwise", async () => {
    const boom = new Error("boom");
    const crash = await run(Promise.reject(boom));
    expect(crash.exits).toEqual([1]);
    expect(crash.err).toBe(`demo: ${boom.stack}\n`);
    expect(await run(Promise.reject(boom), (e) => (e as Error).message)).toEqual({
      exits: [1],
      err: "demo: boom\n",
    });
    expect((await run(Promise.reject("plain"))).err).toBe("demo: plain\n");
  });
});
