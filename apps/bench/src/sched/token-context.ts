/**
 * Token sequences of the simulated programs. A program's prompt is a Uint32Array that only ever
 * grows by appending, so consecutive prompts share their prefix exactly (what prefix caching keys
 * on). The first `sharedPrefixTokens` ids are the same for every program (the system prompt);
 * everything after is drawn from one counter per simulation, so it is unique.
 * @module
 */

export class TokenSource {
  private next: number;

  constructor(
    readonly sharedPrefixTokens: number,
    firstUniqueId = 1_000_000,
  ) {
    this.next = firstUniqueId;
  }

  /** Writes `count` fresh token ids into `out` starting at `offset`. */
  fill(out: Uint32Array, offset: number, count: number): void {
    let id = this.next;
    for (let i = 0; i < count; i++) out[offset + i] = id++;
    this.next = id >>> 0 === id ? id : 1_000_000;
  }
}

/** `count` fresh ids, e.g. the reply a non-thinking model will produce. */
export function freshIds(source: TokenSource, count: number): Uint32Array {
  const out = new Uint32Array(count);
  source.fill(out, 0, count);
  return out;
}

export class ProgramContext {
  private buf: Uint32Array;
  private len = 0;

  constructor(
    private readonly source: TokenSource,
    initialTokens: number,
  ) {
    this.buf = new Uint32Array(Math.max(1024, initialTokens * 4));
    const shared = Math.min(source.sharedPrefixTokens, initialTokens);
    for (let i = 0; i < shared; i++) this.buf[i] = i + 1;
    this.len = shared;
    this.append(initialTokens - shared);
  }

  get length(): number {
    return this.len;
  }

  /** Appends `count` fresh (unique) tokens. Earlier views handed out stay valid and unchanged. */
  append(count: number): void {
    if (count <= 0) return;
    this.reserve(count);
    this.source.fill(this.buf, this.len, count);
    this.len += count;
  }

  /** Appends the given ids (a reply the next prompt repeats verbatim). */
  appendIds(ids: Uint32Array): void {
    this.reserve(ids.length);
    this.buf.set(ids, this.len);
    this.len += ids.length;
  }

  private reserve(count: number): void {
    if (this.len + count <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + count) cap *= 2;
    const next = new Uint32Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** The current prompt (a view; never mutated afterwards because we only append past it). */
  view(): Uint32Array {
    return this.buf.subarray(0, this.len);
  }
}
