/**
 * The router's own series, read at scrape time from `Router.stats()` and the proxy's counters.
 * @module
 */
import type { ProxyContext } from "../context.js";
import { histogramSamples, type MetricFamily, type Sample } from "./exposition.js";

type Rec = Record<string, unknown>;

function rec(v: unknown): Rec {
  return v !== null && typeof v === "object" ? (v as Rec) : {};
}

function num(v: unknown): number {
  return typeof v === "number" ? v : 0;
}

function counter(name: string, help: string, value: number): MetricFamily {
  return { name, help, type: "counter", samples: [{ value }] };
}

function gauge(name: string, help: string, samples: Sample[]): MetricFamily {
  return { name, help, type: "gauge", samples };
}

const P = "thunderagent_";

export function collectFamilies(ctx: ProxyContext): MetricFamily[] {
  const s = rec(ctx.router.stats());
  const c = ctx.counters;
  const families: MetricFamily[] = [];

  // Programs by status and state, over all backends and paused.
  const programs = rec(s["programs"]);
  const byStatusState: Sample[] = [];
  for (const [key, value] of Object.entries(rec(programs["byStatusState"] ?? programs))) {
    const [status = key, state = ""] = key.split("/");
    if (typeof value === "number") byStatusState.push({ labels: { status, state }, value });
  }
  families.push(gauge(`${P}programs`, "Programs by status and state.", byStatusState));

  families.push(counter(`${P}pauses_total`, "Programs paused.", num(s["pauses"])));
  families.push(counter(`${P}restores_total`, "Programs restored.", num(s["restores"])));
  families.push(
    counter(`${P}migrations_total`, "Restores onto another backend.", num(s["migrations"])),
  );
  families.push(
    counter(
      `${P}forced_resumes_total`,
      "Pending requests forced through after waiting too long.",
      num(s["forcedResumes"]),
    ),
  );
  families.push(
    counter(`${P}reclaimed_total`, "Abandoned programs reclaimed.", num(s["reclaimed"])),
  );
  families.push(counter(`${P}released_total`, "Programs released.", num(s["released"])));
  families.push(
    counter(`${P}requests_total`, "Requests that reached the scheduler.", num(s["requests"])),
  );
  families.push(
    counter(`${P}prompt_tokens_total`, "Prompt tokens reported.", num(s["promptTokens"])),
  );
  families.push(
    counter(
      `${P}completion_tokens_total`,
      "Completion tokens reported.",
      num(s["completionTokens"]),
    ),
  );
  families.push(
    gauge(`${P}queue_length`, "Paused programs in the waiting queue.", [
      { value: num(s["queueLength"]) },
    ]),
  );
  families.push(
    gauge(`${P}pending_requests`, "Requests waiting for their program to be restored.", [
      { value: num(s["pendingRequests"]) },
    ]),
  );

  const capacity: Sample[] = [];
  const used: Sample[] = [];
  const shared: Sample[] = [];
  const healthy: Sample[] = [];
  for (const [backend, raw] of Object.entries(rec(s["backends"]))) {
    const b = rec(raw);
    const labels = { backend };
    if (typeof b["capacity"] === "number") capacity.push({ labels, value: b["capacity"] });
    used.push({ labels, value: num(b["used"]) });
    shared.push({ labels, value: num(b["shared"]) });
    healthy.push({ labels, value: ctx.monitor.isHealthy(backend) ? 1 : 0 });
  }
  families.push(gauge(`${P}backend_capacity_tokens`, "KV capacity of a backend.", capacity));
  families.push(gauge(`${P}backend_used_tokens`, "Tokens the scheduler counts as used.", used));
  families.push(gauge(`${P}backend_shared_tokens`, "Tokens shared through prefixes.", shared));
  families.push(gauge(`${P}backend_healthy`, "1 when the last health check passed.", healthy));

  const h = rec(s["pauseTimeHistogram"]);
  const bounds = Array.isArray(h["buckets"]) ? (h["buckets"] as number[]) : [];
  const counts = Array.isArray(h["counts"]) ? (h["counts"] as number[]) : [];
  families.push({
    name: `${P}pause_seconds`,
    help: "Time requests waited while their program was paused.",
    type: "histogram",
    samples: histogramSamples(bounds, counts, num(h["sum"]), num(h["count"])),
  });

  // The proxy's own.
  families.push(
    counter(`${P}chat_requests_total`, "Chat completion requests accepted.", c.chatRequests),
  );
  families.push(counter(`${P}chat_streams_total`, "Streaming chat requests.", c.chatStreams));
  families.push(
    gauge(`${P}inflight_requests`, "Chat requests being served or waiting.", [
      { value: c.inflight },
    ]),
  );
  families.push(
    counter(`${P}upstream_errors_total`, "Backends that could not be reached.", c.upstreamErrors),
  );
  families.push(
    counter(
      `${P}upstream_status_errors_total`,
      "Backend answers with an error status, passed through.",
      c.upstreamStatusErrors,
    ),
  );
  families.push(counter(`${P}client_aborts_total`, "Clients that hung up.", c.clientAborts));
  families.push(
    counter(`${P}stream_errors_total`, "Streams that ended in an error.", c.streamErrors),
  );
  families.push(counter(`${P}streamed_bytes_total`, "SSE bytes sent to clients.", c.bytesStreamed));
  families.push(
    gauge(`${P}waiting_requests`, "Requests parked until their program is restored.", [
      { value: ctx.waiters.size },
    ]),
  );
  return families;
}
