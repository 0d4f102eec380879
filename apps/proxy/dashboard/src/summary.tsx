// The header: what the router is, the totals, and whether the page is live.
import type { LinkStatus } from "./connection.ts";
import { duration } from "./format.ts";
import type { DashState } from "./store.ts";

const LABEL: Record<LinkStatus, string> = {
  connecting: "connecting…",
  live: "live",
  "needs-key": "API key needed",
  "bad-key": "API key refused",
  retrying: "reconnecting…",
};

export function Summary(props: {
  state: DashState;
  status: LinkStatus;
  detail?: string | undefined;
}) {
  const t = props.state.totals;
  const stat = (label: string, value: string | number, id?: string) => (
    <div class="stat" data-testid={id}>
      <span class="value">{value}</span>
      <span class="label">{label}</span>
    </div>
  );
  return (
    <header>
      <div class="title">
        <h1>ThunderAgent router</h1>
        <span class={`link link-${props.status}`} data-testid="link-status" title={props.detail}>
          {LABEL[props.status]}
        </span>
        {t && (
          <span class="mode">
            mode <b>{t.mode}</b>
            {t.schedulingEnabled ? "" : " (no scheduling)"}
          </span>
        )}
      </div>
      {t && (
        <div class="stats">
          {stat("programs", t.programs, "total-programs")}
          {stat("paused", t.paused, "total-paused")}
          {stat("reasoning / acting", `${t.reasoning} / ${t.acting}`)}
          {stat("waiting requests", t.waitingRequests)}
          {stat("in flight", t.inFlight)}
          {stat("steps", t.steps)}
          {stat("pauses / restores", `${t.pauses} / ${t.restores}`)}
          {stat("migrations", t.migrations)}
          {stat("forced resumes", t.forcedResumes)}
          {stat("released / reclaimed", `${t.released} / ${t.reclaimed}`)}
          {stat("longest wait", duration(t.longestWaitS) || "0s")}
        </div>
      )}
    </header>
  );
}
