/**
 * Placement over several Docker hosts, as pure rules and the pool that applies them: the
 * `URL=SLOTS` syntax (and its errors), least-loaded relative to slots among the hosts with the
 * image, waiting instead of overfilling, draining a host, and the pre-run pull plan.
 */
import { describe, expect, it } from "vitest";
import { DockerHostSpec, EnvironmentSection } from "../src/config/mini-config.js";
import { type HostState, HostPool, chooseHost, planPulls } from "../src/docker/index.js";

const host = (url: string, slots?: number, running = 0, images?: string[]): HostState => ({
  url,
  slots,
  running,
  up: true,
  images: images ? new Set(images) : null,
});

describe("docker_hosts entries", () => {
  it("reads URL, URL=SLOTS and {url, slots}", () => {
    const env = EnvironmentSection.parse({
      docker_hosts: [
        "unix:///run/a.sock",
        "tcp://10.0.0.7:2375=32",
        { url: "ssh://u@h", slots: 4 },
      ],
    });
    expect(env.docker_hosts).toEqual([
      { url: "unix:///run/a.sock" },
      { url: "tcp://10.0.0.7:2375", slots: 32 },
      { url: "ssh://u@h", slots: 4 },
    ]);
    // The parsed form parses to itself (it crosses to --procs children as JSON).
    expect(EnvironmentSection.parse(JSON.parse(JSON.stringify(env))).docker_hosts).toEqual(
      env.docker_hosts,
    );
  });

  it.each([
    ["tcp://h:2375=0", "slot count must be a whole number >= 1"],
    ["tcp://h:2375=many", "slot count must be a whole number >= 1"],
    ["tcp://h:2375=", "slot count must be a whole number >= 1"],
    ["ftp://h", "must be unix:///path, tcp://host:port, https://host:port or ssh://user@host"],
    [{ url: "tcp://h:1", slots: 1.5 }, "slot count must be a whole number >= 1"],
    [{ url: "tcp://h:1", slot: 2 }, "unknown key slot (a host takes url, slots, identity"],
  ])("rejects %j with a clear error", (spec, message) => {
    const r = DockerHostSpec.safeParse(spec);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toContain(message);
  });
});

describe("chooseHost", () => {
  it("takes the least loaded relative to slots, first on a tie", () => {
    const [a, b] = [host("a", 4, 2), host("b", 8, 3)];
    expect(chooseHost([a, b], "img")).toBe(b); // 3/8 < 2/4
    b.running = 4;
    expect(chooseHost([a, b], "img")).toBe(a); // 2/4 = 4/8: the first
  });

  it("waits rather than overfill, and skips hosts that are out", () => {
    const [a, b] = [host("a", 1, 1), host("b", 2, 2)];
    expect(chooseHost([a, b], "img")).toBe("wait");
    b.running = 1;
    b.up = false;
    expect(chooseHost([a, b], "img")).toBe("wait");
    a.up = false;
    expect(chooseHost([a, b], "img")).toBeNull();
  });

  it("prefers the hosts with the image; any host when none has it", () => {
    const [a, b] = [host("a", 4, 3, ["x"]), host("b", 4, 0, ["y"])];
    expect(chooseHost([a, b], "x")).toBe(a);
    a.running = 4;
    expect(chooseHost([a, b], "x")).toBe("wait"); // b is free but lacks x
    expect(chooseHost([a, b], "z")).toBe(b);
    a.up = false;
    expect(chooseHost([a, b], "x")).toBe(b); // the host with x is gone: b pulls it
  });

  it("weighs a host without a count like the largest count given", () => {
    const [a, b] = [host("a", 10, 5), host("b", undefined, 4)];
    expect(chooseHost([a, b], "img")).toBe(b); // 4/10 < 5/10
    b.running = 50;
    expect(chooseHost([a, b], "img")).toBe(a); // b never full, but more loaded
  });
});

describe("HostPool", () => {
  it("hands out slots up to the counts, queues the rest, serves them as slots come back", async () => {
    const pool = new HostPool([
      { url: "a", slots: 1 },
      { url: "b", slots: 1 },
    ]);
    const first = await Promise.all([pool.acquire("img"), pool.acquire("img")]);
    expect(first.sort()).toEqual(["a", "b"]);
    let third: string | null = null;
    void pool.acquire("img").then((url) => (third = url));
    await new Promise((r) => setImmediate(r));
    expect(third).toBeNull();
    pool.release("b");
    await new Promise((r) => setImmediate(r));
    expect(third).toBe("b");
    expect(pool.hosts.map((h) => h.running)).toEqual([1, 1]);
  });

  it("a host taken out is drained: its waiters go elsewhere or fail when none is left", async () => {
    const pool = new HostPool([
      { url: "a", slots: 1 },
      { url: "b", slots: 1 },
    ]);
    pool.setImages("a", ["x"]);
    pool.setImages("b", []);
    expect(await pool.acquire("x")).toBe("a");
    const waiting = pool.acquire("x");
    expect(pool.takeOut("a", "ECONNREFUSED")).toBe(
      "docker host a taken out: ECONNREFUSED; 1 left (b)",
    );
    expect(pool.takeOut("a", "again")).toBeNull();
    expect(await waiting).toBe("b");
    const failing = pool.acquire("x");
    pool.takeOut("b", "gone");
    await expect(failing).rejects.toThrow("no Docker host left (all of a, b failed)");
  });

  it("an aborted wait leaves the queue", async () => {
    const pool = new HostPool([{ url: "a", slots: 1 }]);
    await pool.acquire("img");
    const ac = new AbortController();
    const waiting = pool.acquire("img", ac.signal);
    ac.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    pool.release("a", "img");
    expect(pool.hosts[0]!.running).toBe(0);
  });
});

describe("planPulls", () => {
  const hosts = (list: Array<[string, number | undefined, string[]]>) =>
    list.map(([url, slots, has]) => ({ url, slots, has: new Set(has) }));

  it("a shared image goes to every host; one-instance images to one host each, spread by slots", () => {
    const h = hosts([
      ["a", 2, ["shared"]],
      ["b", 6, []],
    ]);
    const plan = planPulls(
      h,
      new Map([
        ["shared", 10],
        ["i1", 1],
        ["i2", 1],
        ["i3", 1],
        ["i4", 1],
      ]),
    );
    expect(plan.map((p) => [p.image, p.wanted, p.candidates[0]])).toEqual([
      ["shared", 1, "b"],
      ["i1", 1, "a"],
      ["i2", 1, "b"],
      ["i3", 1, "b"],
      ["i4", 1, "a"], // 1/2 = 3/6: the first
    ]);
  });

  it("leaves out images already on enough hosts", () => {
    const h = hosts([
      ["a", undefined, ["x", "y"]],
      ["b", undefined, ["y"]],
    ]);
    expect(
      planPulls(
        h,
        new Map([
          ["x", 1],
          ["y", 5],
        ]),
      ),
    ).toEqual([]);
  });
});
