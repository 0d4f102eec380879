/**
 * The paused queue: programs in the order they were paused, as an intrusive doubly linked list
 * (links live on the programs). Append, remove and membership are O(1) without hashing, which
 * matters when a tick pauses or restores thousands of programs; iteration keeps pause order, which
 * the policies use to break ties.
 * @module
 */

export interface QueueLinks {
  queued: boolean;
  queuePrev: QueueLinks | null;
  queueNext: QueueLinks | null;
}

export class ProgramQueue<T extends QueueLinks> {
  private head: T | null = null;
  private tail: T | null = null;
  private count = 0;

  get size(): number {
    return this.count;
  }

  has(p: T): boolean {
    return p.queued;
  }

  /** Appends `p` (moving it to the end if it is already queued). */
  push(p: T): void {
    if (p.queued) this.delete(p);
    p.queued = true;
    p.queuePrev = this.tail;
    p.queueNext = null;
    if (this.tail) this.tail.queueNext = p;
    else this.head = p;
    this.tail = p;
    this.count++;
  }

  delete(p: T): boolean {
    if (!p.queued) return false;
    const prev = p.queuePrev as T | null;
    const next = p.queueNext as T | null;
    if (prev) prev.queueNext = next;
    else this.head = next;
    if (next) next.queuePrev = prev;
    else this.tail = prev;
    p.queued = false;
    p.queuePrev = null;
    p.queueNext = null;
    this.count--;
    return true;
  }

  *values(): IterableIterator<T> {
    for (let p = this.head; p !== null; p = p.queueNext as T | null) yield p;
  }

  toArray(): T[] {
    const out = new Array<T>(this.count);
    let i = 0;
    for (let p = this.head; p !== null; p = p.queueNext as T | null) out[i++] = p;
    return out;
  }
}
