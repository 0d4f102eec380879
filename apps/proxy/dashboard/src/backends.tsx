// One card per backend: capacity and what uses it (reasoning, acting, shared credit), the last
// scrape's KV usage and prefix-cache hit rate, health, the engine's queue and paused programs.
import type { BackendView } from "../../src/dashboard/feed-types.ts";
import { host, pct, tokens } from "./format.ts";

function Bar({ b }: { b: BackendView }) {
  const cap = b.capacity ?? Math.max(1, b.reasoning + b.acting);
  const w = (x: number) => `${Math.max(0, Math.min(100, (x / cap) * 100))}%`;
  return (
    <div class="bar" title={`used ${b.used} of ${b.capacity ?? "?"} tokens`}>
      <div class="seg reasoning" style={{ width: w(b.reasoning) }} />
      <div class="seg acting" style={{ width: w(b.acting) }} />
      {b.shared > 0 && <div class="shared" style={{ width: w(b.shared) }} />}
      <div class="used-mark" style={{ left: w(b.used) }} />
    </div>
  );
}

export function Backends({ backends }: { backends: BackendView[] }) {
  return (
    <section class="backends" data-testid="backends">
      {backends.map((b) => (
        <div class="card" key={b.url} data-testid="backend">
          <div class="card-head">
            <span class={b.healthy ? "dot ok" : "dot down"} />
            <b>{host(b.url)}</b>
            <span class="muted">{b.healthy ? "healthy" : "unhealthy"}</span>
          </div>
          <Bar b={b} />
          <div class="legend">
            <span>
              <i class="sw reasoning" /> reasoning {tokens(b.reasoning)}
            </span>
            <span>
              <i class="sw acting" /> acting {tokens(b.acting)}
            </span>
            <span>
              <i class="sw shared" /> shared {tokens(b.shared)}
            </span>
          </div>
          <dl>
            <dt>capacity</dt>
            <dd>{tokens(b.capacity)}</dd>
            <dt>used</dt>
            <dd data-testid="backend-used">{tokens(b.used)}</dd>
            <dt>KV usage</dt>
            <dd>{pct(b.kvUsage)}</dd>
            <dt>prefix hit rate</dt>
            <dd>{pct(b.prefixHitRate)}</dd>
            <dt>programs (r/a/marked)</dt>
            <dd>
              {b.programs.reasoning}/{b.programs.acting}/{b.programs.marked}
            </dd>
            <dt>paused from here</dt>
            <dd>{b.paused}</dd>
            <dt>engine waiting/running</dt>
            <dd>
              {b.engineWaiting ?? "–"}/{b.engineRunning ?? "–"}
            </dd>
          </dl>
        </div>
      ))}
    </section>
  );
}
