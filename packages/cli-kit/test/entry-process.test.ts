// An entry point on cli-kit's helpers as a real process (test/fixtures/entry-app.ts): the exit
// codes and the lines on stdout/stderr a user sees.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..", "..");
const tsx = pathToFileURL(join(root, "node_modules", "tsx", "dist", "esm", "index.mjs")).href;
const app = join(import.meta.dirname, "fixtures", "entry-app.ts");
const VERSION = (
  JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8")) as {
    version: string;
  }
).version;

interface Exit {
  code: number | null;
  signal: string | null;
  out: string;
  err: string;
}

function start(args: string[], onOut?: (out: string, kill: () => void) => void): Promise<Exit> {
  const child = spawn(
    process.execPath,
    ["--conditions=@thunderagent/source", "--import", tsx, app, ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    onOut?.(out, () => child.kill("SIGTERM"));
  });
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, out, err })),
  );
}

describe.skipIf(process.platform === "win32").concurrent("an entry point on cli-kit", () => {
  it("--help and --version print and exit 0", async () => {
    const help = await start(["--times", "5", "--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: demo \[options\]\n\nan entry point for the tests/);
    expect(help.out).not.toMatch(/ran/);
    const version = await start(["-V"]);
    expect(version).toMatchObject({ code: 0, out: `${VERSION}\n`, err: "" });
  });

  it("a usage error is one line and exit 2", async () => {
    const bad = await start(["--times", "x"]);
    expect(bad).toMatchObject({
      code: 2,
      out: "",
      err: 'demo: --times must be an integer 0–9, got "x" (see --help)\n',
    });
  });

  it("exits with main's code, and 1 with one line when main throws", async () => {
    expect(await start(["--times", "3"])).toMatchObject({ code: 3, out: "ran 3\n", err: "" });
    expect(await start(["--crash"])).toMatchObject({ code: 1, out: "", err: "demo: boom\n" });
  });

  it("runs on when main returns no code, until the signal", async () => {
    const served = await start(["--serve"], (out, kill) => {
      if (out.includes("serving")) kill();
    });
    expect(served.out).toBe("serving\n");
    expect(served.code).toBe(0);
  });
});
