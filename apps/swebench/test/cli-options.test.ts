import { describe, expect, it } from "vitest";
import { UsageError, checkSubset, parseCli, readCommandLine, resolveConfig } from "../src/index.js";

const parse = (argv: string[], env: Record<string, string> = {}) => {
  const o = parseCli(argv, { env, cwd: "/repo" });
  if (o === "help") throw new Error("help");
  return o;
};

describe("swebench command line", () => {
  it("takes relative paths from INIT_CWD (else the cwd); names and overrides stay as they are", () => {
    const o = parse(
      [
        "-o",
        "out",
        "-c",
        "mine.yaml",
        "-c",
        "model.model_name=m",
        "-c",
        "default",
        "--subset",
        "d.jsonl",
      ],
      { INIT_CWD: "/home/me" },
    );
    expect(o.output).toBe("/home/me/out");
    expect(o.config).toEqual(["/home/me/mine.yaml", "model.model_name=m", "default"]);
    expect(o.subset).toBe("/home/me/d.jsonl");
    expect(parse(["-o", "out"]).output).toBe("/repo/out");
    expect(parse(["-o", "/abs", "--subset", "princeton-nlp/SWE-Bench_Lite"]).subset).toBe(
      "princeton-nlp/SWE-Bench_Lite",
    );
    expect(parse(["-o", "x", "--subset", "sample"]).subset).toBe("sample");
  });

  it("keeps the defaults and flags of mini-extra swebench", () => {
    expect(parse(["-o", "/x"])).toMatchObject({
      subset: "lite",
      split: "dev",
      workers: 1,
      shuffle: false,
      redoExisting: false,
      config: [],
    });
    expect(parse(["-o", "/x", "-w", "8", "--slice", "0:5", "--redo-existing"])).toMatchObject({
      workers: 8,
      slice: "0:5",
      redoExisting: true,
    });
  });

  it("says what is wrong in one line: bad values, unknown flags, missing dataset files", () => {
    expect(() => parse(["-o", "/x", "--slice", "a:b"])).toThrow(
      '--slice must look like start:stop[:step], got "a:b"',
    );
    expect(() => parse(["-o", "/x", "--base-url", "nope"])).toThrow(
      '--base-url must be a URL, got "nope"',
    );
    expect(() => parse(["--workers", "2"])).toThrow("--output is required");
    expect(() => parse(["-o", "/x", "--redo"])).toThrow(UsageError);
    expect(() => checkSubset(parse(["-o", "/x", "--subset", "/no/such.json"]))).toThrow(
      "--subset /no/such.json: no such file",
    );
    expect(readCommandLine(["--help"])).toMatchObject({ kind: "help" });
  });

  it("takes --docker-host URL[=SLOTS], repeatable, and names a bad one", () => {
    const hosts = ["unix:///run/podman/podman.sock=8", "tcp://10.0.0.7:2375", "ssh://u@h=4"];
    expect(parse(["-o", "/x", ...hosts.flatMap((h) => ["--docker-host", h])]).dockerHost).toEqual(
      hosts,
    );
    expect(() => parse(["-o", "/x", "--docker-host", "tcp://h:2375=0"])).toThrow(
      "tcp://h:2375=0: the slot count must be a whole number >= 1 (URL=SLOTS)",
    );
    expect(() => parse(["-o", "/x", "--docker-host", "ftp://h"])).toThrow(
      "ftp://h: must be unix:///path, tcp://host:port, https://host:port or ssh://user@host",
    );
  });

  it("takes --docker-ping-interval/-failures/-recover into environment.docker_health, naming a bad one", () => {
    const o = parse([
      "-o",
      "/x",
      "--docker-ping-interval",
      "2.5",
      "--docker-ping-failures",
      "3",
      "--docker-ping-recover",
      "0",
    ]);
    expect([o.dockerPingInterval, o.dockerPingFailures, o.dockerPingRecover]).toEqual([2.5, 3, 0]);
    const config = resolveConfig(["swebench.yaml", "environment.docker_health.timeout_s=1"], {
      dockerHealth: { interval_s: o.dockerPingInterval, fail_after: o.dockerPingFailures },
    });
    expect(config.environment.docker_health).toEqual({
      interval_s: 2.5,
      timeout_s: 1,
      fail_after: 3,
      recover_after: 3,
    });
    expect(() => parse(["-o", "/x", "--docker-ping-failures", "0"])).toThrow(
      "--docker-ping-failures",
    );
    expect(() => parse(["-o", "/x", "--docker-ping-interval", "soon"])).toThrow(
      "--docker-ping-interval",
    );
    expect(() => parse(["-o", "/x", "--docker-ping-recover", "-1"])).toThrow(
      "--docker-ping-recover",
    );
    expect(() =>
      resolveConfig(["swebench.yaml", "environment.docker_health.fail_after=0"]),
    ).toThrow("environment.docker_health.fail_after: Too small");
  });
});
