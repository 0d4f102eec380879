// Small formatting helpers shared by the panels.

export function tokens(n: number | null): string {
  if (n === null) return "–";
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (Math.abs(n) >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

export function pct(x: number | null): string {
  return x === null ? "–" : `${(x * 100).toFixed(1)}%`;
}

export function duration(s: number): string {
  if (s < 1) return s > 0 ? "<1s" : "";
  if (s < 60) return `${Math.floor(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

export function clock(t: number): string {
  return new Date(t * 1000).toLocaleTimeString([], { hour12: false });
}

/** A backend URL without the scheme, for tight places. */
export function host(url: string | null): string {
  return url === null ? "–" : url.replace(/^https?:\/\//, "");
}
