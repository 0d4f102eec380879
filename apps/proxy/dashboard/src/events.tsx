// The event feed, newest first: pauses, marks, restores, admissions, migrations, forced resumes,
// releases, reclaims.
import { memo } from "preact/compat";
import type { FeedEvent } from "../../src/dashboard/feed-types.ts";
import { clock, host } from "./format.ts";

const SHOWN = 150;

function where(e: FeedEvent): string {
  if (e.kind === "migrate") return `${host(e.from)} → ${host(e.backend)}`;
  if (e.kind === "pause" || e.kind === "mark" || e.kind === "release" || e.kind === "reclaim")
    return e.backend ? `from ${host(e.backend)}` : "";
  return e.backend ? `on ${host(e.backend)}` : "";
}

/** Re-rendered only when new events came (the array is replaced then). */
export const EventFeed = memo(function EventFeed({ events }: { events: FeedEvent[] }) {
  const shown = events.slice(-SHOWN).reverse();
  return (
    <section class="events" data-testid="events">
      <h2>Events</h2>
      <ol>
        {shown.map((e) => (
          <li key={e.seq} data-kind={e.kind}>
            <span class="muted">{clock(e.t)}</span> <span class={`kind k-${e.kind}`}>{e.kind}</span>{" "}
            <b>{e.program}</b> <span class="muted">{where(e)}</span>
          </li>
        ))}
        {shown.length === 0 && <li class="muted">No events yet.</li>}
      </ol>
    </section>
  );
});
