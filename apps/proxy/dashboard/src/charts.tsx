// The last half hour, one small uPlot chart each: steps per minute, paused programs, KV
// (prefix-cache) hit rate, p50/p99 of the waits for a restore. Each chart is made once and fed
// with setData; its width follows the panel.
import { memo } from "preact/compat";
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import type { HistoryPoint } from "../../src/dashboard/feed-types.ts";

interface ChartSpec {
  title: string;
  series: Array<{ label: string; pick: (p: HistoryPoint) => number | null; color: string }>;
  unit?: string;
  range?: [number, number];
}

const CHARTS: ChartSpec[] = [
  {
    title: "steps / min",
    series: [{ label: "steps/min", pick: (p) => p.stepsPerMin, color: "#4f8cff" }],
  },
  {
    title: "paused programs",
    series: [{ label: "paused", pick: (p) => p.paused, color: "#f0a030" }],
  },
  {
    title: "KV hit rate",
    unit: "%",
    range: [0, 100],
    series: [
      {
        label: "hit rate",
        pick: (p) => (p.kvHitRate === null ? null : p.kvHitRate * 100),
        color: "#3cb371",
      },
    ],
  },
  {
    title: "wait for restore (s)",
    series: [
      { label: "p50", pick: (p) => p.waitP50, color: "#9b7bff" },
      { label: "p99", pick: (p) => p.waitP99, color: "#ff5d73" },
    ],
  },
];

function hhmm(t: number): string {
  const d = new Date(t * 1000);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

function Chart({
  spec,
  history,
  spanS,
}: {
  spec: ChartSpec;
  history: HistoryPoint[];
  spanS: number;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = (): uPlot.AlignedData => [
    history.map((p) => p.t),
    ...spec.series.map((s) => history.map((p) => s.pick(p))),
  ];
  useEffect(() => {
    const el = host.current!;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: 140,
      legend: { show: spec.series.length > 1 },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true },
        y: spec.range ? { range: spec.range } : { range: (_u, _min, max) => [0, Math.max(1, max)] },
      },
      axes: [
        {
          stroke: "#8a93a6",
          grid: { stroke: "#2a3040" },
          ticks: { stroke: "#2a3040" },
          values: (_u, ticks) => ticks.map((t) => hhmm(t)),
        },
        { stroke: "#8a93a6", grid: { stroke: "#2a3040" }, ticks: { stroke: "#2a3040" }, size: 44 },
      ],
      series: [
        {},
        ...spec.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.5,
          spanGaps: false,
        })),
      ],
    };
    plot.current = new uPlot(opts, data(), el);
    const resize = new ResizeObserver(() => {
      plot.current?.setSize({ width: Math.max(200, el.clientWidth), height: 140 });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);
  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    u.setData(data(), false);
    // The span's last half hour once there is that much; until then from the first point (at
    // least a minute), so a young run does not sit in the chart's right edge.
    const end = history.at(-1)?.t ?? Date.now() / 1000;
    const first = history[0]?.t ?? end;
    u.setScale("x", { min: Math.max(end - spanS, Math.min(first, end - 60)), max: end });
  }, [history, spanS]);
  return (
    <div class="chart">
      <h3>{spec.title}</h3>
      <div ref={host} />
    </div>
  );
}

/** Re-rendered only when new points came (the array is replaced then). */
export const Charts = memo(function Charts({
  history,
  spanS,
}: {
  history: HistoryPoint[];
  spanS: number;
}) {
  return (
    <section class="charts" data-testid="charts">
      {CHARTS.map((spec) => (
        <Chart key={spec.title} spec={spec} history={history} spanS={spanS} />
      ))}
    </section>
  );
});
