// The page: header (mode, totals, link status), backends, charts, programs, events. One store,
// re-rendered on each message; the table re-sorts only when its rows changed.
import { useEffect, useMemo, useState } from "preact/hooks";
import { Backends } from "./backends.tsx";
import { Charts } from "./charts.tsx";
import { Link, type LinkStatus, storeKey } from "./connection.ts";
import { EventFeed } from "./events.tsx";
import { KeyPrompt } from "./key-prompt.tsx";
import { ProgramsTable } from "./programs-table.tsx";
import { applyDelta, applySnapshot, emptyState } from "./store.ts";
import { Summary } from "./summary.tsx";

declare global {
  interface Window {
    /** For the end-to-end tests: messages received and when the last one came. */
    thunderDashboard?: { messages: number; lastMessageAt: number; programs: number };
  }
}

export function App() {
  const state = useMemo(emptyState, []);
  const [, setTick] = useState(0);
  const [status, setStatus] = useState<{ s: LinkStatus; detail?: string | undefined }>({
    s: "connecting",
  });
  const link = useMemo(
    () =>
      new Link({
        status: (s, detail) => setStatus({ s, detail }),
        snapshot: (m) => {
          applySnapshot(state, m, Date.now());
          publish();
        },
        delta: (m) => {
          applyDelta(state, m, Date.now());
          publish();
        },
      }),
    [state],
  );
  function publish() {
    window.thunderDashboard = {
      messages: state.messages,
      lastMessageAt: state.lastMessageAt,
      programs: state.programs.size,
    };
    setTick((n) => n + 1);
  }
  useEffect(() => {
    void link.connect();
    return () => link.stop();
  }, [link]);

  if (status.s === "needs-key" || status.s === "bad-key") {
    return (
      <KeyPrompt
        wrong={status.s === "bad-key"}
        onKey={(key) => {
          storeKey(key);
          void link.connect();
        }}
      />
    );
  }
  return (
    <main>
      <Summary state={state} status={status.s} detail={status.detail} />
      <Backends backends={state.backends} />
      <Charts history={state.history} spanS={state.historySpanS} />
      <div class="split">
        <ProgramsTable state={state} />
        <EventFeed events={state.events} />
      </div>
    </main>
  );
}
