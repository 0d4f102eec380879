/**
 * The process table as Linux shows it in /proc: who descends from whom and who is still alive
 * (a zombie is dead: it only waits to be reaped). Elsewhere, `kill(pid, 0)` answers the second
 * question and descendants are unknown.
 * @module
 */
import { readFileSync, readdirSync } from "node:fs";

interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  readonly state: string;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) S ppid pgrp …": comm may hold spaces and parentheses; split after the last ')'.
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { pid, state: rest[0] ?? "?", ppid: Number(rest[1]), pgrp: Number(rest[2]) };
  } catch {
    return null;
  }
}

const hasProc = (() => {
  try {
    readdirSync("/proc/self");
    return true;
  } catch {
    return false;
  }
})();

function allStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  if (hasProc) {
    const s = readStat(pid);
    return s !== null && s.state !== "Z" && s.state !== "X";
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Live members of a process group. */
export function groupMembers(pgid: number): number[] {
  if (hasProc) {
    return allStats()
      .filter((s) => s.pgrp === pgid && s.state !== "Z" && s.state !== "X")
      .map((s) => s.pid);
  }
  try {
    process.kill(-pgid, 0);
    return [pgid];
  } catch {
    return [];
  }
}

/** Live descendants of `pid` (children, grandchildren, …), whatever group they moved to. */
export function descendants(pid: number): number[] {
  if (!hasProc) return [];
  const stats = allStats();
  const children = new Map<number, number[]>();
  for (const s of stats) {
    const list = children.get(s.ppid) ?? [];
    list.push(s.pid);
    children.set(s.ppid, list);
  }
  const alive = new Set(stats.filter((s) => s.state !== "Z" && s.state !== "X").map((s) => s.pid));
  const out: number[] = [];
  const todo = [...(children.get(pid) ?? [])];
  while (todo.length > 0) {
    const p = todo.pop() as number;
    if (alive.has(p)) out.push(p);
    todo.push(...(children.get(p) ?? []));
  }
  return out;
}
