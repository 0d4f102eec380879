/**
 * Host slots across `--procs`: two agent processes' ChildHostSlots talking to the runner's
 * ParentHostSlots over one real HostPool (messages passed asynchronously, checked against the
 * zod schemas as the real channel would). The limits hold across both; a cancelled wait gives back
 * a slot granted meanwhile; a child that dies gives back what it held; a drained host is logged
 * once, by the runner.
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
});
