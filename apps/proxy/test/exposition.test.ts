import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import {
  histogramSamples,
  prefersPrometheus,
  renderExposition,
} from "../src/metrics/exposition.js";

describe("Prometheus exposition", () => {
  it("renders counters, labelled gauges and histograms that a parser reads back", () => {
    const text = renderExposition([
      { name: "x_total", help: "A counter.", type: "counter", samples: [{ value: 3 }] },
      {
        name: "g",
        help: "Help with \\ and\nnewline.",
        type: "gauge",
        samples: [
          { labels: { backend: 'http://a:1/"q"\\' }, value: 1.5 },
          { labels: { backend: "b" }, value: Number.NaN },
        ],
      },
      {
        name: "h_seconds",
        help: "A histogram.",
        type: "histogram",
        samples: histogramSamples([0.1, 1, 10], [2, 2, 3], 5.5, 4),
      },
    ]);
    const families = parsePrometheusTextFormat(text);
    const byName = Object.fromEntries(families.map((f) => [f.name, f]));
    expect(byName["x_total"]?.metrics[0]).toEqual({ value: "3" });
    expect(byName["g"]?.metrics[0]).toEqual({
      labels: { backend: 'http://a:1/"q"\\' },
      value: "1.5",
    });
    const h = byName["h_seconds"]?.metrics[0] as {
      buckets: Record<string, string>;
      count: string;
      sum: string;
    };
    expect(h.buckets).toEqual({ "0.1": "2", "1": "2", "10": "3", "+Inf": "4" });
    expect(h.count).toBe("4");
    expect(h.sum).toBe("5.5");
  });

  it("rejects invalid names", () => {
    expect(() =>
      renderExposition([{ name: "bad-name", help: "", type: "gauge", samples: [] }]),
    ).toThrow(/invalid metric name/);
  });

  it("negotiates on Accept as Prometheus scrapers send it", () => {
    expect(
      prefersPrometheus(
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
      ),
    ).toBe(true);
    expect(prefersPrometheus("text/plain")).toBe(true);
    expect(prefersPrometheus("*/*")).toBe(false);
    expect(prefersPrometheus(undefined)).toBe(false);
    expect(prefersPrometheus("application/json")).toBe(false);
    expect(prefersPrometheus("application/json, text/plain;q=0.5")).toBe(false);
    expect(prefersPrometheus("text/html,text/plain;q=0.9")).toBe(true);
  });
});
