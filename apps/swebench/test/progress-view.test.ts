import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  ProgressState,
  ProgressView,
  formatDuration,
  progressLine,
  progressScreen,
} from "../src/index.js";

function state() {
  const s = new ProgressState(10, 2, 1000);
  s.start("django__django-1", 1001);
  s.start("astropy__astropy-2", 1002);
  s.update("django__django-1", { step: 7, status: "executing" });
  s.stepDone();
  s.stepDone();
  s.finish("astropy__astropy-2", "Submitted", true);
  s.start("x__y-3", 1003);
  s.finish("x__y-3", "LimitsExceeded", true);
  return s;
}

describe("progress view", () => {
  it("summarises a run in one line (non-TTY)", () => {
    expect(progressLine(state().snapshot(1060))).toBe(
      "[swebench] 2/10 done, 1 running, 1 not submitted, 2 steps (2.0/min), elapsed 1m00s",
    );
    expect(formatDuration(3725)).toBe("1h02m");
  });

  it("draws a bar and a table of running instances (TTY)", () => {
    const lines = progressScreen(state().snapshot(1060), 100, 10);
    expect(lines[0]).toMatch(/^█+░+ 2\/10 \(20%\) 2\.0 steps\/min 1m00s$/);
    expect(lines[2]).toMatch(/^django__django-1\s+7 {2}executing$/);
  });

  it("writes lines to a non-TTY stream", () => {
    let text = "";
    const stream = new Writable({
      write(chunk: Buffer, _e, done) {
        text += chunk.toString();
        done();
      },
    });
    const view = new ProgressView(state(), { stream, now: () => 1030 });
    view.draw();
    view.stop();
    expect(text.split("\n").filter(Boolean)).toHaveLength(2);
    expect(text).toContain("2/10 done");
  });
});
