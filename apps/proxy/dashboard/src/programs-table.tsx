// Programs: sortable (click a heading), filterable (text over id and backend, state, status),
// virtualised: only the rows in view (plus a margin) are in the DOM, so 10,000 programs cost what
// 40 do. Rows are keyed by their slot, not the program: scrolling rewrites the slots' text instead
// of removing and creating elements. Rows are re-selected only when the programs, the filter or the sort changed (or, sorted
// by waiting time, once a second).
import { useMemo, useRef, useState } from "preact/hooks";
import { duration, host, tokens } from "./format.ts";
import { type DashState, type SortKey, type TableQuery, selectRows, waitingS } from "./store.ts";

const ROW_H = 26;
const VIEW_H = 420;
const MARGIN = 8;

const COLUMNS: Array<{ key: SortKey; label: string; num?: boolean }> = [
  { key: "id", label: "program" },
  { key: "state", label: "state" },
  { key: "status", label: "status" },
  { key: "tokens", label: "tokens", num: true },
  { key: "backend", label: "backend" },
  { key: "steps", label: "steps", num: true },
  { key: "waiting", label: "waiting", num: true },
  { key: "pauses", label: "pauses", num: true },
];

/** A filter: "any <id>" or one of `options`. */
function Choice(props: {
  id: string;
  value: string;
  options: string[];
  onPick: (value: string) => void;
}) {
  return (
    <select
      data-testid={`filter-${props.id}`}
      value={props.value}
      onChange={(e) => props.onPick((e.target as HTMLSelectElement).value)}
    >
      <option value="">any {props.id}</option>
      {props.options.map((o) => (
        <option value={o}>{o}</option>
      ))}
    </select>
  );
}

export function ProgramsTable({ state }: { state: DashState }) {
  const [q, setQ] = useState<TableQuery>({
    text: "",
    state: "",
    status: "",
    sort: "id",
    desc: false,
  });
  const [scrollTop, setScrollTop] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  const now = Date.now();
  const secondBucket = q.sort === "waiting" ? Math.floor(now / 1000) : 0;
  const rows = useMemo(
    () => selectRows(state, q, now),
    // `now` matters only through secondBucket (re-sorted once a second when sorted by waiting).
    [state.version, q, secondBucket],
  );
  const first = Math.max(0, Math.floor(scrollTop / ROW_H) - MARGIN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + VIEW_H) / ROW_H) + MARGIN);
  const sortBy = (key: SortKey) =>
    setQ({ ...q, sort: key, desc: q.sort === key ? !q.desc : key !== "id" });

  return (
    <section class="programs">
      <div class="table-tools">
        <h2>Programs</h2>
        <input
          type="search"
          data-testid="filter"
          placeholder="filter by id or backend"
          value={q.text}
          onInput={(e) => {
            setQ({ ...q, text: (e.target as HTMLInputElement).value });
            if (scroller.current) scroller.current.scrollTop = 0;
          }}
        />
        <Choice
          id="state"
          value={q.state}
          options={["active", "paused"]}
          onPick={(v) => setQ({ ...q, state: v as TableQuery["state"] })}
        />
        <Choice
          id="status"
          value={q.status}
          options={["reasoning", "acting"]}
          onPick={(v) => setQ({ ...q, status: v as TableQuery["status"] })}
        />
        <span class="muted" data-testid="row-count">
          {rows.length} of {state.programs.size}
        </span>
      </div>
      <div class="thead row">
        {COLUMNS.map((c) => (
          <button
            type="button"
            class={`cell${c.num ? " num" : ""}`}
            data-sort={c.key}
            onClick={() => sortBy(c.key)}
          >
            {c.label}
            {q.sort === c.key ? (q.desc ? " ▼" : " ▲") : ""}
          </button>
        ))}
      </div>
      <div
        class="tbody"
        ref={scroller}
        data-testid="programs-scroll"
        style={{ height: `${VIEW_H}px` }}
        onScroll={(e) => setScrollTop((e.target as HTMLDivElement).scrollTop)}
      >
        <div style={{ height: `${rows.length * ROW_H}px`, position: "relative" }}>
          {rows.slice(first, last).map((p, i) => (
            <div
              class={`row ${p.state}`}
              key={i}
              data-testid="program-row"
              data-id={p.id}
              style={{ top: `${(first + i) * ROW_H}px` }}
            >
              <span class="cell id" title={p.id}>
                {p.id}
              </span>
              <span class="cell" data-col="state">
                <span class={`pill ${p.state}`}>{p.state}</span>
              </span>
              <span class="cell">{p.status}</span>
              <span class="cell num">{tokens(p.tokens)}</span>
              <span class="cell">{host(p.backend)}</span>
              <span class="cell num">{p.steps}</span>
              <span class="cell num">{duration(waitingS(p, state, now))}</span>
              <span class="cell num">{p.pauses}</span>
            </div>
          ))}
        </div>
        {rows.length === 0 && <div class="empty muted">No programs.</div>}
      </div>
    </section>
  );
}
