/**
 * The programs registered on one backend, in registration order, as an intrusive doubly linked
 * list (links live on the programs; a program is on at most one backend). Add and delete are O(1)
 * without hashing, which matters when a tick moves thousands of programs.
 * @module
 */

export interface BackendLinks {
  backendPrev: BackendLinks | null;
  backendNext: BackendLinks | null;
}

export class BackendPrograms<T extends BackendLinks> implements Iterable<T> {
  private head: T | null = null;
  private tail: T | null = null;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Appends `p`, which must not be on any backend's list. */
  add(p: T): void {
    p.backendPrev = this.tail;
    p.backendNext = null;
    if (this.tail) this.tail.backendNext = p;
    else this.head = p;
    this.tail = p;
    this.count++;
  }

  /** Removes `p`, which must be on this list. */
  delete(p: T): void {
    const prev = p.backendPrev as T | null;
    const next = p.backendNext as T | null;
    if (prev) prev.backendNext = next;
    else this.head = next;
    if (next) next.backendPrev = prev;
    else this.tail = prev;
    p.backendPrev = null;
    p.backendNext = null;
    this.count--;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let p = this.head; p !== null; p = p.backendNext as T | null) yield p;
  }
}
