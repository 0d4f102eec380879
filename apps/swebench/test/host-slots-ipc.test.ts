/**
 * Host slots across `--procs`: two agent processes' ChildHostSlots talking to the runner's
 * ParentHostSlots over one real HostPool (messages passed asynchronously, checked against the
 * zod schemas as the real channel would). The limits hold across both; a cancelled wait gives back
 * a slot granted meanwhile; a child that dies gives back what it held; a drained host is logged
 * once, by the runner; a drain in the runner (its health pings) reaches the environments watching
 * the host in every child, and a host brought back is watched afresh.
 */
import { HostPool } from "@thunderagent/agent-core/docker";
import { describe, expect, it, vi } from "vitest";
import { ChildHostSlots, ParentHostSlots, isSlotRequest } from "../src/procs/host-slots-ipc.js";
import { FromChild, ToChild, parseMessage } from "../src/procs/proc-messages.js";

const tick = () => new Promise((r) => setTimeout(r, 20));

function connect(pool: HostPool, warnings: string[]) {
  let parent: ParentHostSlots | null = null;
  const child = new ChildHostSlots((m) => {
    const message = parseMessage(FromChild, JSON.parse(JSON.stringify(m)), "child");
    if (isSlotRequest(message)) setImmediate(() => parent!.handle(message));
  });
  parent = new ParentHostSlots(
    pool,
    (m) => {
      const message = parseMessage(ToChild, JSON.parse(JSON.stringify(m)), "runner");
      if (message.type === "slot" || message.type === "slot-error") {
        setImmediate(() => child.onReply(message));
      } else if (message.type === "host-drained" || message.type === "host-back") {
        setImmediate(() => child.onHostNews(message));
      }
    },
    (line) => warnings.push(line),
  );
  return { child, parent };
}

describe("host slots over the --procs messages", () => {
  it("the limits hold across processes; waits are served as slots come back", async () => {
    const pool = new HostPool([
      { url: "a", slots: 1 },
      { url: "b", slots: 1 },
    ]);
    const [p1, p2] = [connect(pool, []), connect(pool, [])];
    const got = await Promise.all([p1.child.acquire("img"), p2.child.acquire("img")]);
    expect(got.sort()).toEqual(["a", "b"]);
    let third: string | null = null;
    void p2.child.acquire("img").then((url) => (third = url));
    await tick();
    expect(third).toBeNull();
    expect(pool.hosts.map((h) => h.running)).toEqual([1, 1]);
    p1.child.release(got[0]!, "img");
    await vi.waitFor(() => expect(third).toBe(got[0]));
  });

  it("a wait cancelled by its agent leaves no slot taken", async () => {
    const pool = new HostPool([{ url: "a", slots: 1 }]);
    const { child } = connect(pool, []);
    const first = await child.acquire("img");
    const ac = new AbortController();
    const waiting = child.acquire("img", ac.signal);
    await tick();
    ac.abort(new Error("stopped"));
    child.release(first); // the slot frees while the cancel is on its way
    await expect(waiting).rejects.toThrow("stopped");
    await vi.waitFor(() => expect(pool.hosts[0]!.running).toBe(0));
    await tick();
    expect(pool.hosts[0]!.running).toBe(0);
  });

  it("a child that dies gives back its slots and its waits; a drained host is logged once", async () => {
    const pool = new HostPool([
      { url: "a", slots: 2 },
      { url: "b", slots: 2 },
    ]);
    const warnings: string[] = [];
    const [p1, p2] = [connect(pool, warnings), connect(pool, warnings)];
    await Promise.all([p1.child.acquire("img"), p1.child.acquire("img")]);
    expect(pool.hosts.map((h) => h.running)).toEqual([1, 1]);
    p1.parent.close(); // its process exited
    expect(pool.hosts.map((h) => h.running)).toEqual([0, 0]);
    const p3 = connect(pool, warnings);
    p2.child.takeOut("a", "ECONNREFUSED");
    p3.child.takeOut("a", "ECONNREFUSED");
    await vi.waitFor(() => expect(pool.hosts[0]!.up).toBe(false));
    await tick();
    expect(warnings).toEqual(["docker host a taken out: ECONNREFUSED; 1 left (b)"]);
    expect(await p2.child.acquire("img")).toBe("b");
  });

  it("a host drained in the runner reaches the watchers in every child; back in, it is watched again", async () => {
    const pool = new HostPool([{ url: "a" }, { url: "b" }]);
    const [p1, p2] = [connect(pool, []), connect(pool, [])];
    const heard: string[] = [];
    p1.child.watch("a", (why) => heard.push(`1a: ${why}`));
    p2.child.watch("a", (why) => heard.push(`2a: ${why}`));
    p2.child.watch("b", (why) => heard.push(`2b: ${why}`));
    pool.takeOut("a", "no answer to 2 health pings in a row");
    await vi.waitFor(() => expect(heard).toHaveLength(2));
    expect(heard.sort()).toEqual([
      "1a: no answer to 2 health pings in a row",
      "2a: no answer to 2 health pings in a row",
    ]);
    // Watching it while it is out: told at once (a container made just before the news came).
    p1.child.watch("a", (why) => heard.push(`late: ${why}`));
    await tick();
    expect(heard).toContain("late: no answer to 2 health pings in a row");
    pool.bringBack("a", "answered 3 health pings in a row");
    await tick();
    const after: string[] = [];
    p1.child.watch("a", (why) => after.push(why));
    await tick();
    expect(after).toEqual([]);
    pool.takeOut("a", "again");
    await vi.waitFor(() => expect(after).toEqual(["again"]));
    // A closed child's side hears no more.
    p2.parent.close();
    p2.child.watch("b", (why) => heard.push(`closed: ${why}`));
    pool.takeOut("b", "gone");
    await tick();
    expect(heard.filter((h) => h.startsWith("closed") || h.startsWith("2b"))).toEqual([]);
  });
});
