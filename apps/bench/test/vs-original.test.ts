// bench:vs-original: argument parsing and refusals, the pieces (template, schedule, CSV, verdict),
// and one short comparison on real processes with our proxy standing in for the Python original.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeStepProfileCsv } from "@thunderagent/protocol";
import { readProfileSteps } from "@thunderagent/reproduce";
import { describe, expect, it } from "vitest";
import type { RunRow } from "../src/vs-original/execute.js";
import { oneLine } from "../src/vs-original/execute.js";
import { UsageError, parseVsOptions } from "../src/vs-original/options.js";
import { windowStats } from "../src/vs-original/profile-stats.js";
import { renderTable, summarize, verdict, verdictLine } from "../src/vs-original/summary.js";
import { schedule } from "../src/vs-original/systems.js";
import {
  checkTemplate,
  commandWords,
  expandTemplate,
  missingPrograms,
} from "../src/vs-original/template.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const MAIN = join(ROOT, "apps", "bench", "src", "vs-original", "main.ts");
const TSX = join(ROOT, "node_modules", "tsx", "dist", "esm", "index.mjs");
const PROXY = join(ROOT, "apps", "proxy", "src", "main.ts");

/** Our proxy in the Python original's place (CI has no Python ThunderAgent). */
const OURS_AS_ORIGINAL =
  `${process.execPath} --conditions=@thunderagent/source --import file://${TSX} ${PROXY} ` +
  "--host {host} --port {port} --backends {backends} --router {router} --metrics --profile " +
  "--profile-dir {profile_dir} --scheduler-interval {scheduler_interval} " +
  "--metrics-interval {metrics_interval} --policy original";

/** A pid that exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

const TEMPLATE =
  "python3 -m ThunderAgent --host {host} --port {port} --backends {backends} --profile-dir {profile_dir}";

function run(
  args: string[],
  cwd: string,
  timeoutMs = 120_000,
  onStderr?: (text: string, child: ReturnType<typeof spawn>) => void,
) {
  // `cwd` is the caller's directory: the INIT_CWD that `pnpm test` set here is left out.
  const { INIT_CWD: _, ...env } = process.env;
  const child = spawn(
    process.execPath,
    ["--conditions=@thunderagent/source", "--import", `file://${TSX}`, MAIN, ...args],
    { cwd, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    onStderr?.(stderr, child);
  });
  const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((res) =>
    child.on("exit", (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    }),
  );
}

const tempDir = () => mkdtempSync(join(tmpdir(), "vs-original-test-"));
let nextPort = 30000 + Math.floor(Math.random() * 20000);
const ports = () => {
  nextPort += 3;
  return [nextPort, nextPort + 1];
};

describe("argument parsing", () => {
  it("defaults: glm4.6, 3 rounds, reproduce --simulate options", () => {
    const o = parseVsOptions(["--original-cmd", TEMPLATE]);
    if (o === "help") throw new Error("unexpected help");
    expect(o.preset).toBe("glm4.6");
    expect(o.rounds).toBe(3);
    expect(o.reproduce.simulate).toBe(true);
    expect(o.reproduce.window).toEqual({ startMin: 10, endMin: 70 });
    expect(o.report).toBeNull();
  });

  it("passes window, ports and workers to reproduce's parser", () => {
    const o = parseVsOptions([
      "--original-cmd",
      TEMPLATE,
      "--preset",
      "qwen3-235b",
      "--rounds",
      "5",
      "--window",
      "1:2",
      "--proxy-port",
      "9000",
      "-w",
      "4",
    ]);
    if (o === "help") throw new Error("unexpected help");
    expect(o.preset).toBe("qwen3-235b");
    expect(o.rounds).toBe(5);
    expect(o.reproduce.window).toEqual({ startMin: 1, endMin: 2 });
    expect(o.reproduce.proxyPort).toBe(9000);
    expect(o.reproduce.workers).toBe(4);
  });

  it.each([
    [["--original-cmd", TEMPLATE, "--bogus"], /bogus/],
    [[], /--original-cmd is required/],
    [["--original-cmd", TEMPLATE, "--rounds", "0"], /--rounds/],
    [["--original-cmd", TEMPLATE, "--rounds", "two"], /--rounds/],
    [["--original-cmd", TEMPLATE, "--preset", "llama"], /--preset/],
    [["--original-cmd", "python3 -m ThunderAgent --port {port}"], /\{backends\}, \{profile_dir\}/],
    [["--original-cmd", `${TEMPLATE} --x {nope}`], /unknown placeholder \{nope\}/],
    [["--original-cmd", TEMPLATE, "--window", "70:10"], /--window/],
  ])("refuses %j", (argv, message) => {
    expect(() => parseVsOptions(argv)).toThrow(UsageError);
    expect(() => parseVsOptions(argv)).toThrow(message);
  });

  it("--help wins", () => {
    expect(parseVsOptions(["--help"])).toBe("help");
  });
});

describe("the pieces", () => {
  it("template: placeholders filled and shell-quoted; the programs it starts", () => {
    expect(checkTemplate(TEMPLATE)).toEqual([]);
    const line = expandTemplate(`cd /x && ${TEMPLATE} --s {scheduler_interval}`, {
      host: "127.0.0.1",
      port: 8000,
      backends: ["http://127.0.0.1:8100", "http://127.0.0.1:8101"],
      profileDir: "/tmp/a dir/profile",
      router: "tr",
      backendType: "vllm",
      schedulerIntervalS: 0.125,
      metricsIntervalS: 0.125,
      timeScale: 0.025,
    });
    expect(line).toBe(
      "cd /x && python3 -m ThunderAgent --host 127.0.0.1 --port 8000 " +
        "--backends http://127.0.0.1:8100,http://127.0.0.1:8101 --profile-dir '/tmp/a dir/profile' --s 0.125",
    );
    expect(commandWords(line)).toEqual(["python3"]);
    expect(commandWords("FOO=1 exec env /usr/bin/python3 -m X; nohup node a.js | tee x")).toEqual([
      "/usr/bin/python3",
      "node",
      "tee",
    ]);
    expect(missingPrograms("cd / && no-such-python3 -m ThunderAgent")).toEqual(["no-such-python3"]);
    expect(missingPrograms(`${process.execPath} -v`)).toEqual([]);
  });

  it("schedule: round r runs the systems rotated by r-1", () => {
    const order = schedule(3).map((r) => `${r.round}.${r.position} ${r.system}`);
    expect(order).toEqual([
      "1.1 python-original",
      "1.2 ours-original-policy",
      "1.3 ours-default",
      "2.1 ours-original-policy",
      "2.2 ours-default",
      "2.3 python-original",
      "3.1 ours-default",
      "3.2 python-original",
      "3.3 ours-original-policy",
    ]);
  });

  it("reads the Python original's 8-column step_profiles.csv (CRLF, empty hit rate)", async () => {
    const csv =
      "program_id,step_id,prefill_s,decode_s,pause_s,tool_call_s,kv_hit_rate,completed_at\r\n" +
      "p1,1,0.0607,0.0483,0.0001,0.0,,1000.5\r\n" +
      "p1,2,0.1,0.2,1.5,0.3,0.9,1030.0\r\n" +
      "p2,1,0.2,0.2,0.0,0.0,0.5,1070.0\r\n";
    const dir = tempDir();
    const path = join(dir, "step_profiles.csv");
    writeFileSync(path, csv);
    const steps = await readProfileSteps(path); // reproduce's own reader, as the run counts
    expect(steps.map((s) => s.completedAt)).toEqual([1000.5, 1030, 1070]);
    expect(steps[0]?.kvHitRate).toBeNull();
    const stats = windowStats(decodeStepProfileCsv(csv), 1000, { startMin: 0, endMin: 1 }, 60);
    expect(stats.steps).toBe(2);
    expect(stats.pausedSteps).toBe(1); // 0.0001 s is the original's forwarding delay, not a pause
    expect(stats.kvHitRateMean).toBeCloseTo(0.9);
    expect(stats.programs).toBe(1);
  });

  it("reads today's 11-column step_profiles.csv with the same parser", () => {
    const csv =
      "program_id,step_id,prefill_s,decode_s,pause_s,tool_call_s,prompt_tokens,completion_tokens,cached_tokens,kv_hit_rate,completed_at\n" +
      "p1,1,0.1,0.2,1.5,0.3,1000,20,900,0.9,1030.0\n" +
      '"p,2",1,0.2,0.2,0.0,0.0,1000,20,,,1070.0\n';
    const stats = windowStats(decodeStepProfileCsv(csv), 1000, { startMin: 0, endMin: 2 }, 60);
    expect(stats.steps).toBe(2);
    expect(stats.programs).toBe(2);
    expect(stats.kvHitRateMean).toBeCloseTo(0.9);
  });

  it("verdict: our mean inside the original's [min, max], widened by nothing", () => {
    const row = (system: RunRow["system"], round: number, spm: number): RunRow =>
      ({ system, round, steps_per_min: spm, window_kv_hit_rate: 0.9, profile: null }) as RunRow;
    const rows = [
      row("python-original", 1, 20),
      row("python-original", 2, 24),
      row("ours-original-policy", 1, 23),
      row("ours-original-policy", 2, 25),
      row("ours-default", 1, 30),
    ];
    const s = summarize(rows, 2);
    expect(verdict(s)).toMatchObject({
      pass: true,
      oursMean: 24,
      originalMin: 20,
      originalMax: 24,
    });
    expect(verdictLine(verdict(s))).toMatch(/spread: PASS/);
    const fail = summarize([...rows.slice(0, 3), row("ours-original-policy", 2, 25.2)], 2);
    expect(verdict(fail)?.pass).toBe(false);
    expect(renderTable(s, 2)).toMatch(
      /ours \(defaults\)\s+30\.0\s+–\s+30\.0\s+30\.0–30\.0\s+90\.0 %/,
    );
  });

  it("one-line errors keep the first line and the log's last line", () => {
    expect(
      oneLine(
        "original-router exited (code 127) before http://x/health answered; last lines of /l:\nfoo\nsh: 1: python3: not found\n",
      ),
    ).toBe(
      "original-router exited (code 127) before http://x/health answered: sh: 1: python3: not found",
    );
  });
});

describe.concurrent("the command", () => {
  it("--help prints the usage and starts nothing", async () => {
    const cwd = tempDir();
    const r = await run(["--help"], cwd);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: bench:vs-original --original-cmd/);
    expect(r.stdout).toMatch(/\{scheduler_interval\}/);
    expect(existsSync(join(cwd, "logs"))).toBe(false);
  }, 120_000);

  it("a bad flag exits 2 with one line and a suggestion", async () => {
    const r = await run(["--original-cmd", TEMPLATE, "--roundz", "3"], tempDir());
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "bench:vs-original: unknown option '--roundz'; did you mean --rounds? (see --help)\n",
    );
  }, 120_000);

  it("--dry-run prints the schedule and the three routers' commands", async () => {
    const cwd = tempDir();
    const r = await run(["--original-cmd", TEMPLATE, "--dry-run", "--rounds", "2"], cwd);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/6 runs, in this order/);
    expect(r.stdout).toMatch(
      /\/bin\/sh -c 'python3 -m ThunderAgent --host 127\.0\.0\.1 --port 8000/,
    );
    expect(r.stdout).toMatch(/apps\/proxy\/src\/main\.ts .* --policy original/);
    expect(existsSync(join(cwd, "logs"))).toBe(false);
  }, 120_000);

  it("a program of --original-cmd that is missing: one line, exit 2, nothing started", async () => {
    const cwd = tempDir();
    const r = await run(
      ["--original-cmd", `cd /tmp && no-such-python3 -m ThunderAgent ${TEMPLATE.slice(24)}`],
      cwd,
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^bench:vs-original: no-such-python3 not found on PATH/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(join(cwd, "logs"))).toBe(false);
  }, 120_000);

  it("an --original-cmd that exits at once: one line naming it, exit 2", async () => {
    const cwd = tempDir();
    const [vllm, proxy] = ports();
    const r = await run(
      [
        "--original-cmd",
        "echo 'ModuleNotFoundError: No module named fastapi' >&2; exit 1; {port} {backends} {profile_dir}",
        "--rounds",
        "1",
        "--vllm-port",
        String(vllm),
        "--proxy-port",
        String(proxy),
      ],
      cwd,
    );
    expect(r.code).toBe(2);
    const last = r.stderr
      .trim()
      .split("\n")
      .filter((l) => !l.startsWith("[vs-original]"));
    expect(last).toHaveLength(1);
    expect(last[0]).toMatch(
      /^bench:vs-original: the Python original's router \(--original-cmd\) failed before it answered .*: .*No module named fastapi \(log: .*proxy\.log\)$/,
    );
    expect(r.stderr).toMatch(/all processes stopped/);
  }, 120_000);

  it("SIGTERM in the middle of a run stops every process it started", async () => {
    const cwd = tempDir();
    const [vllm, proxy] = ports();
    let sent = false;
    const r = await run(
      [
        "--original-cmd",
        OURS_AS_ORIGINAL,
        "--rounds",
        "1",
        "--window",
        "1:3",
        "--time-scale",
        "0.1",
        "-w",
        "2",
        "--vllm-port",
        String(vllm),
        "--proxy-port",
        String(proxy),
      ],
      cwd,
      60_000,
      (text, child) => {
        if (!sent && /started runner/.test(text)) {
          sent = true;
          child.kill("SIGTERM");
        }
      },
    );
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toMatch(/SIGTERM: stopping everything/);
    const session = readdirSync(join(cwd, "logs", "vs-original"))[0] ?? "";
    const pids = JSON.parse(
      readFileSync(
        join(cwd, "logs", "vs-original", session, "r1-python-original", "pids.json"),
        "utf8",
      ),
    ) as { children: Array<{ name: string; pid: number }> };
    expect(pids.children.map((c) => c.name)).toEqual(["engine-sim", "original-router", "runner"]);
    for (const c of pids.children) expect(alive(c.pid), c.name).toBe(false);
  }, 120_000);
});

describe("one short comparison on real processes (our proxy as the 'original')", () => {
  it("prints the table and the verdict, writes the rows and the report", async () => {
    const cwd = tempDir();
    const [vllm, proxy] = ports();
    const r = await run(
      [
        "--original-cmd",
        OURS_AS_ORIGINAL,
        "--rounds",
        "1",
        "--window",
        "0.3:1",
        "--time-scale",
        "0.05",
        "-w",
        "4",
        "--vllm-port",
        String(vllm),
        "--proxy-port",
        String(proxy),
        "--json",
        "rows.json",
        "--report",
        "report.md",
      ],
      cwd,
      100_000,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/system\s+r1\s+mean\s+min–max\s+window hit/);
    for (const label of ["Python original", "ours --policy original", "ours \\(defaults\\)"]) {
      expect(r.stdout).toMatch(new RegExp(`${label}\\s+\\d+\\.\\d\\s+\\d+\\.\\d`));
    }
    expect(r.stdout).toMatch(
      /original-policy mode within the Python original's spread: (PASS|FAIL)/,
    );
    const doc = JSON.parse(readFileSync(join(cwd, "rows.json"), "utf8")) as {
      complete: boolean;
      rows: RunRow[];
    };
    expect(doc.complete).toBe(true);
    expect(doc.rows.map((x) => x.system)).toEqual([
      "python-original",
      "ours-original-policy",
      "ours-default",
    ]);
    for (const row of doc.rows) {
      expect(row.round).toBe(1);
      expect(row.total_steps).toBeGreaterThan(0);
      expect(row.steps_per_min).toBeCloseTo(row.steps_counted / 0.7, 6);
      expect(row.window_kv_hit_rate === null || row.window_kv_hit_rate >= 0).toBe(true);
      expect(row.profile_csv).toMatch(/step_profiles\.csv$/);
    }
    const md = readFileSync(join(cwd, "report.md"), "utf8");
    expect(md).toMatch(/\| Python original \|/);
    expect(md).toMatch(/original-policy mode within the Python original's spread/);

    // --render: the same table from the rows file, nothing started.
    const again = await run(["--render", "rows.json"], cwd);
    expect(again.code, again.stderr).toBe(0);
    const table = (text: string) => text.slice(text.indexOf("system"), text.indexOf("rows:"));
    expect(table(again.stdout).trim()).toBe(table(r.stdout).trim());
  }, 120_000);
});
