/**
 * Draws the progress: on a TTY a bar plus a table of running instances, redrawn in place; otherwise
 * one progress line every few seconds.
 * @module
 */
import { unixNow } from "@thunderagent/agent-core";
import type { ProgressState } from "./progress-state.js";
import { progressLine, progressScreen } from "./progress-state.js";

export interface ProgressViewOptions {
  stream: NodeJS.WriteStream | NodeJS.WritableStream;
  /** Seconds between lines when not a TTY. */
  lineIntervalS?: number;
  now?: () => number;
}

export class ProgressView {
  #timer: NodeJS.Timeout | null = null;
  #drawnLines = 0;
  readonly #tty: boolean;

  constructor(
    private readonly state: ProgressState,
    private readonly options: ProgressViewOptions,
  ) {
    this.#tty = Boolean((options.stream as NodeJS.WriteStream).isTTY);
  }

  start(): void {
    const intervalMs = this.#tty ? 500 : (this.options.lineIntervalS ?? 5) * 1000;
    this.#timer = setInterval(() => this.draw(), intervalMs);
    this.#timer.unref();
  }

  draw(): void {
    const now = (this.options.now ?? unixNow)();
    const snap = this.state.snapshot(now);
    if (!this.#tty) {
      this.options.stream.write(`${progressLine(snap)}\n`);
      return;
    }
    const tty = this.options.stream as NodeJS.WriteStream;
    const lines = progressScreen(snap, tty.columns || 100, Math.max(3, (tty.rows || 30) - 6));
    let out = this.#drawnLines > 0 ? `\x1b[${this.#drawnLines}A` : "";
    for (const line of lines) out += `\x1b[2K${line}\n`;
    for (let i = lines.length; i < this.#drawnLines; i++) out += "\x1b[2K\n";
    if (this.#drawnLines > lines.length) out += `\x1b[${this.#drawnLines - lines.length}A`;
    this.#drawnLines = lines.length;
    tty.write(out);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.draw();
  }
}
