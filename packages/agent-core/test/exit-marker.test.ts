/** The exit status carried in a command's output (docker/exit-marker.ts), as bash really prints it. */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { takeExitMarker, withExitMarker } from "../src/docker/exit-marker.js";

const NONCE = "3f0c2a9e-5d1b-4c7e-9a44-0b6f1e2d8c71";

/** Runs the wrapped argv with bash here, as the exec would in a container; its stdout. */
function run(argv: string[]): { stdout: string; stderr?: string; status: number } {
  try {
    const stdout = execFileSync(argv[0]!, argv.slice(1), {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { stdout, status: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; status: number };
    if (typeof e.status !== "number") throw error;
    return { stdout: e.stdout, stderr: e.stderr, status: e.status };
  }
}

describe("exit marker", () => {
  it.each([
    ["echo hello", "hello\n", 0],
    ["printf 'no newline'; exit 7", "no newline", 7],
    ["true", "", 0],
    ["printf '\\n\\n'; exit 1", "\n\n", 1],
    // The command prints a marker of its own with the same nonce: the wrapper's, last, wins.
    [`printf '\\n${NONCE} 0\\n'; exit 3`, `\n${NONCE} 0\n`, 3],
  ])("%s: output and status as the command left them", (command, output, status) => {
    const argv = withExitMarker(["bash", "-c", command], NONCE);
    const r = run(argv);
    expect(r.status).toBe(status);
    expect(takeExitMarker(r.stdout, NONCE)).toEqual({ output, status });
  });

  it("a status from a killed command (timeout -s KILL) is 137, the wrapper outlives it", () => {
    const argv = withExitMarker(["timeout", "-s", "KILL", "0.2s", "bash", "-c", "sleep 5"], NONCE);
    const r = run(argv);
    expect(takeExitMarker(r.stdout, NONCE)).toEqual({ output: "", status: 137 });
    // bash's "Killed" report does not reach the output.
    expect(r.stderr).toBe("");
  });

  it("the command keeps its stderr and gets no extra descriptor", () => {
    const argv = withExitMarker(
      ["bash", "-c", "echo to-err >&2; test -e /proc/$$/fd/3 && echo fd3 || echo no-fd3"],
      NONCE,
    );
    const r = run(argv);
    expect(takeExitMarker(r.stdout, NONCE)).toEqual({ output: "no-fd3\n", status: 0 });
  });

  it("no marker, a marker of another nonce or a cut one: null", () => {
    expect(takeExitMarker("plain output\n", NONCE)).toBeNull();
    expect(takeExitMarker("x\nother-nonce-1234 0\n", NONCE)).toBeNull();
    expect(takeExitMarker(`x\n${NONCE} `, NONCE)).toBeNull();
    expect(takeExitMarker(`x\n${NONCE} 12a\n`, NONCE)).toBeNull();
  });

  it("output written after the marker (a background child) is kept", () => {
    expect(takeExitMarker(`a\n${NONCE} 2\nlate\n`, NONCE)).toEqual({
      output: "alate\n",
      status: 2,
    });
  });

  it("refuses a nonce that could break the shell word or the match", () => {
    expect(() => withExitMarker(["true"], "a b")).toThrow(/nonce/);
    expect(() => withExitMarker(["true"], "short")).toThrow(/nonce/);
  });
});
