/**
 * The Prometheus text exposition format (version 0.0.4), written from plain values at scrape
 * time. A few dozen lines instead of prom-client: every series is read from `Router.stats()` and
 * the proxy's counters when scraped, so there is no second copy of the state to keep in sync, no
 * global registry, and nothing on the request path.
 * @module
 */

export type MetricType = "counter" | "gauge" | "histogram";

export interface Sample {
  /** Appended to the family name (`_bucket`, `_sum`, `_count`); empty for plain series. */
  suffix?: string;
  labels?: Readonly<Record<string, string>>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: Sample[];
}

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function labelText(labels: Readonly<Record<string, string>> | undefined): string {
  if (!labels) return "";
  const keys = Object.keys(labels);
  if (keys.length === 0) return "";
  const parts = keys.map((k) => {
    if (!LABEL_RE.test(k)) throw new Error(`invalid label name ${k}`);
    return `${k}="${escapeLabel(labels[k] ?? "")}"`;
  });
  return `{${parts.join(",")}}`;
}

/** Renders families in order; a family with no samples still gets its HELP and TYPE. */
export function renderExposition(families: readonly MetricFamily[]): string {
  let out = "";
  for (const f of families) {
    if (!NAME_RE.test(f.name)) throw new Error(`invalid metric name ${f.name}`);
    out += `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
    for (const s of f.samples) {
      out += `${f.name}${s.suffix ?? ""}${labelText(s.labels)} ${formatValue(s.value)}\n`;
    }
  }
  return out;
}

/**
 * The samples of one histogram from bucket upper bounds and cumulative counts (`counts[i]` =
 * observations ≤ `bounds[i]`, Prometheus' `le` series); `+Inf` is `count`.
 */
export function histogramSamples(
  bounds: readonly number[],
  counts: readonly number[],
  sum: number,
  count: number,
  labels: Readonly<Record<string, string>> = {},
): Sample[] {
  const samples: Sample[] = [];
  bounds.forEach((le, i) => {
    samples.push({
      suffix: "_bucket",
      labels: { ...labels, le: formatValue(le) },
      value: counts[i] ?? 0,
    });
  });
  samples.push({ suffix: "_bucket", labels: { ...labels, le: "+Inf" }, value: count });
  samples.push({ suffix: "_sum", labels, value: sum });
  samples.push({ suffix: "_count", labels, value: count });
  return samples;
}

/**
 * Whether an `Accept` header prefers the text exposition (`text/plain` or
 * `application/openmetrics-text`, as Prometheus scrapers send) over JSON. `*\/*` alone keeps JSON,
 * ThunderAgent's answer.
 */
export function prefersPrometheus(accept: string | undefined): boolean {
  if (!accept) return false;
  let prom = 0;
  let json = 0;
  for (const part of accept.split(",")) {
    const [type = "", ...params] = part.trim().toLowerCase().split(";");
    let q = 1;
    for (const p of params) {
      const [k, v] = p.trim().split("=");
      if (k === "q" && v !== undefined) q = Number(v);
    }
    if (!Number.isFinite(q)) continue;
    const t = type.trim();
    if (t === "text/plain" || t === "application/openmetrics-text") prom = Math.max(prom, q);
    else if (t === "application/json") json = Math.max(json, q);
  }
  return prom > 0 && prom > json;
}
