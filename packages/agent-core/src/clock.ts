/**
 * The default clock: Unix time in seconds with sub-millisecond resolution
 * (`performance.timeOrigin + performance.now()`), so per-step timings of fast steps are not
 * rounded to whole milliseconds. Everything that reads time takes a `now` option instead.
 * @module
 */
export function unixNow(): number {
  return (performance.timeOrigin + performance.now()) / 1000;
}
