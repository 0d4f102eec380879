// `--sweep` as users run it: the orchestrator as a real process on the stand-ins (stand-in `vllm`
// and `nvidia-smi` on PATH, stand-in router and runner), the virtual-time mode on bench:sched's
// simulation, resume after a SIGKILL mid-cell, and the refusals before any cell starts.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { SweepCellResult, SweepManifest, SweepReport } from "@thunderagent/protocol";
import { describe, expect, it } from "vitest";
import {
  allGone,
  ports,
  readPids,
  spawnMain,
  standInArgs,
  standInEnv,
  standInPath,
  tempDir,
  waitFor,
} from "./helpers.js";

function start(args: string[], env: Record<string, string> = {}, cwd = tempDir()) {
  const p = spawnMain(
    [...standInArgs(), "--logs-dir", "logs", ...args],
    { ...standInEnv(cwd), ...env },
    cwd,
  );
  return { p, cwd };
}

function sweepDir(out: string): string {
  const m = /sweep \S+: \d+ cells in (\S+)/.exec(out);
  if (!m) throw new Error(`no sweep directory in:\n${out}`);
  return m[1] as string;
}

const result = (dir: string, id: string) =>
  SweepCellResult.parse(JSON.parse(readFileSync(join(dir, "cells", id, "result.json"), "utf8")));

describe("reproduce --sweep on the stand-ins", () => {
  it("runs N × systems cells, writes one validated report with SVG, PNG and PDF figures", async () => {
    const { p } = start(["--sweep", "1,2", "--window", "0.05:0.1", "--environment-class", "local"]);
    const e = await p.exited;
    expect(e.code, p.output()).toBe(0);
    const dir = sweepDir(p.output());
    const m = SweepManifest.parse(JSON.parse(readFileSync(join(dir, "sweep.json"), "utf8")));
    expect(m.cells.map((c) => c.id)).toEqual([
      "n001-thunderagent-r1",
      "n001-vllm-r1",
      "n002-thunderagent-r1",
      "n002-vllm-r1",
    ]);
    const report = SweepReport.parse(JSON.parse(readFileSync(join(dir, "report.json"), "utf8")));
    expect(report.mode).toBe("real");
    expect(report.cells_finished).toBe(4);
    expect(report.points).toHaveLength(4);
    expect(report.scope.cannot_show.length).toBeGreaterThan(0);
    for (const c of report.cells) expect(c.total_steps).toBeGreaterThan(0);
    const png = readFileSync(join(dir, "steps-vs-n.png"));
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(readFileSync(join(dir, "kv-hit-vs-n.pdf")).subarray(0, 5).toString()).toBe("%PDF-");
    expect(readFileSync(join(dir, "steps-vs-n.svg"), "utf8")).toContain("paper");
    // What ran, per cell: vLLM's full argument list (listening on loopback), the GPUs, times.
    const record = JSON.parse(
      readFileSync(join(dir, "cells", "n002-vllm-r1", "record.json"), "utf8"),
    ) as { processes: { role: string; args: string[] }[]; environment: { gpus: string[] } };
    const vllm = record.processes.find((x) => x.role === "engine");
    expect(vllm?.args.join(" ")).toMatch(/--host 127\.0\.0\.1/);
    expect(record.environment.gpus.length).toBeGreaterThan(0);
    expect(existsSync(join(dir, "cells", "n001-thunderagent-r1", "engine-metrics.json"))).toBe(
      true,
    );
    for (const f of ["engine-0-start.prom", "engine-0-end.prom", "router-end.prom"]) {
      expect(existsSync(join(dir, "cells", "n001-thunderagent-r1", "scrapes", f)), f).toBe(true);
    }
    expect(p.output()).toMatch(/\d+\/4 cells running n001-thunderagent-r1; sweep ETA/);
  }, 400_000);

  it("--resume after a SIGKILL mid-cell keeps finished cells and reruns the interrupted one", async () => {
    const { p, cwd } = start([
      "--sweep",
      "1",
      "--window",
      "0.05:0.3",
      "--environment-class",
      "local",
    ]);
    const dir = await waitFor("the sweep directory", () => {
      try {
        return sweepDir(p.output());
      } catch {
        return null;
      }
    });
    // Kill the orchestrator once the second cell's runner is up (the first cell finished).
    await waitFor(
      "the second cell's runner",
      () =>
        readPids(join(dir, "pids.json"))?.children.filter((c) => c.role === "runner").length === 2,
      180_000,
    );
    const first = join(dir, "cells", "n001-thunderagent-r1", "result.json");
    const firstMtime = statSync(first).mtimeMs;
    const pids = readPids(join(dir, "pids.json"))?.children.map((c) => c.pid) ?? [];
    p.child.kill("SIGKILL");
    await p.exited;
    expect(await allGone(pids, 60_000)).toEqual([]);
    expect(existsSync(join(dir, "cells", "n001-vllm-r1", "result.json"))).toBe(false);

    const r = spawnMain(["--resume", dir], standInEnv(cwd), cwd);
    const e = await r.exited;
    expect(e.code, r.output()).toBe(0);
    expect(r.output()).toContain("1 of 2 cells already finished");
    expect(statSync(first).mtimeMs).toBe(firstMtime);
    expect(result(dir, "n001-vllm-r1").total_steps).toBeGreaterThan(0);
    expect(readdirSync(join(dir, "cells"))).toContain("n001-vllm-r1.interrupted-1");
    SweepReport.parse(JSON.parse(readFileSync(join(dir, "report.json"), "utf8")));
  }, 400_000);

  it("--simulate --virtual runs bench:sched's simulation per cell, rounds interleaved", async () => {
    const { p } = start([
      "--simulate",
      "--virtual",
      "--sweep",
      "4",
      "--repeat",
      "2",
      "--window",
      "1:3",
    ]);
    const e = await p.exited;
    expect(e.code, p.output()).toBe(0);
    const dir = sweepDir(p.output());
    const report = SweepReport.parse(JSON.parse(readFileSync(join(dir, "report.json"), "utf8")));
    expect(report.mode).toBe("virtual");
    expect(report.cells.map((c) => c.cell.id)).toEqual([
      "n004-thunderagent-r1",
      "n004-vllm-r1",
      "n004-thunderagent-r2",
      "n004-vllm-r2",
    ]);
    expect(report.cells.map((c) => c.seed)).toEqual([1, 1, 2, 2]);
    expect(report.points.every((x) => x.rounds === 2 && x.steps_per_min.mean > 0)).toBe(true);
    expect(readFileSync(join(dir, "report.md"), "utf8")).toContain("What it cannot:");
  }, 300_000);
});

describe("refusals before any cell starts (exit 2)", () => {
  it("a dead --backends URL", async () => {
    const [dead] = ports(1);
    const { p } = start([
      "--sweep",
      "1",
      "--backends",
      `http://127.0.0.1:${dead}`,
      "--environment-class",
      "local",
    ]);
    const e = await p.exited;
    expect(e.code, p.output()).toBe(2);
    expect(p.output()).toMatch(
      /preflight: backend http:\/\/127\.0\.0\.1:\d+ does not answer \/health/,
    );
    expect(p.output()).not.toContain("running n001");
  }, 120_000);

  it("a Docker host that does not answer", async () => {
    const { p, cwd } = start(["--sweep", "1"], { DOCKER_HOST: "unix:///nonexistent/docker.sock" });
    const e = await p.exited;
    expect(e.code, p.output()).toBe(2);
    expect(p.output()).toMatch(
      /preflight: the Docker host \(\/nonexistent\/docker\.sock\) does not answer/,
    );
    expect(existsSync(join(cwd, "logs"))).toBe(true);
    expect(p.output()).not.toContain("running n001");
  }, 120_000);

  it("an engine that serves another model, after it started but before the runner", async () => {
    const { p } = start(["--sweep", "1", "--environment-class", "local"], {
      FAKE_ENGINE_MODEL: "someone/else",
    });
    const e = await p.exited;
    expect(e.code, p.output()).toBe(2);
    expect(p.output()).toMatch(/does not serve zai-org\/GLM-4\.6-FP8 \(it serves someone\/else\)/);
    const dir = sweepDir(p.output());
    const pids = readPids(join(dir, "pids.json"));
    expect(pids?.children.some((c) => c.role === "runner")).toBe(false);
    expect(await allGone(pids?.children.map((c) => c.pid) ?? [])).toEqual([]);
  }, 120_000);

  it("--dry-run lists the cells and the first N's commands, and writes nothing", async () => {
    const { p, cwd } = start(["--sweep", "1,2", "--repeat", "2", "--dry-run"]);
    const e = await p.exited;
    expect(e.code, p.output()).toBe(0);
    expect(p.output()).toMatch(/8 cells\n[^]*8\. n002-vllm-r2/);
    expect(p.output()).toMatch(/vllm serve zai-org\/GLM-4\.6-FP8 .*--host 127\.0\.0\.1/);
    expect(existsSync(join(cwd, "logs"))).toBe(false);
  }, 60_000);

  it("--resume of a directory that holds no sweep", async () => {
    const cwd = tempDir();
    const r = spawnMain(["--resume", cwd], { PATH: standInPath() }, cwd);
    const e = await r.exited;
    expect(e.code, r.output()).toBe(2);
    expect(r.output()).toMatch(/no sweep\.json there/);
  }, 60_000);
});
