/**
 * Rate-limited warnings: at most `perSecond` lines per key each second; the lines dropped are
 * counted and reported (`suppressed`) on the next line that gets through. A backend flapping under
 * load thus writes a few lines a second, not one per failed request.
 * @module
 */
import type { FastifyBaseLogger } from "fastify";

export class LogLimiter {
  readonly #windows = new Map<string, { start: number; lines: number; dropped: number }>();

  constructor(
    private readonly perSecond = 5,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /**
   * Logs `msg` at warn with `fields` (never an error object: no stack) unless `key` already had
   * its lines this second; the error itself goes to debug, where its stack belongs.
   */
  warn(
    log: FastifyBaseLogger,
    key: string,
    fields: Record<string, unknown>,
    msg: string,
    err?: unknown,
  ): void {
    if (err !== undefined) log.debug({ err }, msg);
    const now = this.nowMs();
    let w = this.#windows.get(key);
    if (!w || now - w.start >= 1000) {
      const dropped = w?.dropped ?? 0;
      w = { start: now, lines: 0, dropped: 0 };
      this.#windows.set(key, w);
      if (dropped > 0) fields = { ...fields, suppressed: dropped };
    }
    if (w.lines >= this.perSecond) {
      w.dropped++;
      return;
    }
    w.lines++;
    log.warn(fields, msg);
  }
}
