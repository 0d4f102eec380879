/**
 * The environment contract: one suite, run against every adapter (local, docker).
 */
import { describe, expect, it } from "vitest";
import { CommandTimeoutError, type Environment } from "../src/index.js";

export interface ContractTarget {
  /** Creates a started environment whose config has env PAGER=cat, FOO="bar baz", timeout 20. */
  make(): Promise<Environment>;
  /** The working directory commands must start in. */
  expectedCwd(env: Environment): string;
}

export function environmentContract(name: string, target: ContractTarget): void {
  describe(`environment contract: ${name}`, () => {
    const withEnv = async (fn: (env: Environment) => Promise<void>) => {
      const env = await target.make();
      try {
        await fn(env);
      } finally {
        await env.close();
      }
    };

    it("runs a command in the working directory with the configured env", async () => {
      await withEnv(async (env) => {
        const res = await env.execute('pwd; echo "$PAGER|$FOO"');
        expect(res).toEqual({ output: `${target.expectedCwd(env)}\ncat|bar baz\n`, returncode: 0 });
      });
    });

    it("merges stderr, reports the real exit code, 127 for a missing binary", async () => {
      await withEnv(async (env) => {
        const res = await env.execute("echo out; echo err >&2; exit 3");
        expect(res.returncode).toBe(3);
        expect(res.output).toContain("out\n");
        expect(res.output).toContain("err\n");
        const missing = await env.execute("definitely-not-a-binary-xyz");
        expect(missing.returncode).toBe(127);
      });
    });

    it("keeps large outputs intact and replaces invalid UTF-8", async () => {
      await withEnv(async (env) => {
        const big = await env.execute("head -c 300000 /dev/zero | tr '\\0' a; printf 'Z'");
        expect(big.output.length).toBe(300001);
        expect(big.output.endsWith("aZ")).toBe(true);
        const bad = await env.execute("printf 'a\\377b'");
        expect(bad.output).toBe("a\uFFFDb");
      });
    });

    it("each command runs in a fresh shell (cd and exports do not persist)", async () => {
      await withEnv(async (env) => {
        await env.execute("cd / && export X_PERSIST=1");
        const res = await env.execute('pwd; echo "[$X_PERSIST]"');
        expect(res.output).toBe(`${target.expectedCwd(env)}\n[]\n`);
      });
    });

    it("a timeout kills the command and everything it started, keeping partial output", async () => {
      await withEnv(async (env) => {
        const started = Date.now();
        const err = await env
          .execute("echo started; sleep 31.4159 & sleep 31.4159; echo never", { timeoutS: 1 })
          .then(
            () => null,
            (e: unknown) => e,
          );
        expect(err).toBeInstanceOf(CommandTimeoutError);
        expect((err as CommandTimeoutError).output).toBe("started\n");
        expect(Date.now() - started).toBeLessThan(15_000);
        const left = await env.execute("ps -eo args | grep -c '[s]leep 31.4159' || true");
        expect(left.output.trim()).toBe("0");
      });
    });

    it("a plain exit 137 before the timeout is an exit code, not a timeout", async () => {
      await withEnv(async (env) => {
        const res = await env.execute("exit 137", { timeoutS: 10 });
        expect(res.returncode).toBe(137);
      });
    });

    it("aborting stops a running command promptly", async () => {
      await withEnv(async (env) => {
        const ac = new AbortController();
        const started = Date.now();
        setTimeout(() => ac.abort(new Error("stop")), 300);
        await expect(env.execute("sleep 30", { signal: ac.signal })).rejects.toThrow("stop");
        expect(Date.now() - started).toBeLessThan(10_000);
      });
    });

    it("runs commands concurrently", async () => {
      await withEnv(async (env) => {
        const started = Date.now();
        const results = await Promise.all(
          [1, 2, 3, 4].map((i) => env.execute(`sleep 3; echo ${i}`)),
        );
        expect(results.map((r) => r.output)).toEqual(["1\n", "2\n", "3\n", "4\n"]);
        // One after the other would take 12 s.
        expect(Date.now() - started).toBeLessThan(11_000);
      });
    }, 30_000);

    it("close is idempotent", async () => {
      const env = await target.make();
      await env.close();
      await env.close();
    });
  });
}
