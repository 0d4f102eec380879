/**
 * One snapshot of a router: `GET /programs`, `/health` and `/metrics` (JSON), normalised so that
 * two routers (or two runs) are comparable. Backend URLs become `b0`, `b1`… (ports differ per
 * run); timings and timestamps are dropped; everything that encodes a scheduling decision is kept:
 * state, status, backend, total_tokens, step_count, context_len, counts, per-backend blocks and
 * the token sums of each backend.
 * @module
 */
import { ConformanceError } from "./errors.js";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = Record<string, Json>;

const PROGRAM_FIELDS = ["backend", "context_len", "total_tokens", "step_count", "status", "state"];
const BACKEND_FIELDS = [
  "active_program_tokens",
  "reasoning_program_tokens",
  "acting_program_tokens",
  "active_program_count",
  "reasoning_program_count",
  "acting_program_count",
  "total_program_tokens",
  "paused_program_count",
  "future_paused_tokens",
  "shared_tokens",
  "buffer_per_program",
  "capacity_overflow",
  "healthy",
  "cache_config",
];

export class BackendNames {
  constructor(private readonly urls: readonly string[]) {}

  name(url: Json): Json {
    if (typeof url !== "string") return url;
    const i = this.urls.indexOf(url.replace(/\/+$/, ""));
    return i >= 0 ? `b${i}` : url;
  }

  keys(obj: Json): Obj {
    const out: Obj = {};
    for (const [k, v] of Object.entries(asObj(obj))) out[String(this.name(k))] = v;
    return out;
  }
}

function asObj(v: Json | undefined): Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? v : {};
}

function pick(obj: Obj, fields: readonly string[]): Obj {
  const out: Obj = {};
  for (const f of fields) if (f in obj) out[f] = obj[f]!;
  return out;
}

export function normalisePrograms(raw: Json, names: BackendNames): Obj {
  const out: Obj = {};
  for (const [id, v] of Object.entries(asObj(raw))) {
    const p = pick(asObj(v), PROGRAM_FIELDS);
    p["backend"] = names.name(p["backend"] ?? null);
    const profile = asObj(asObj(v)["profile"]);
    // Completed steps only; the averages are timings.
    if ("step_count" in profile) p["profile_steps"] = profile["step_count"]!;
    out[id] = p;
  }
  return out;
}

export function normaliseHealth(raw: Json, names: BackendNames): Obj {
  const h = { ...asObj(raw) };
  // Fields ours adds that the pinned original (a7eef77) has not: weight_sync (today's upstream,
  // issue 16) and healthy_backends (the count of healthy backends, issue 17). Additive only: every
  // field the original has is still compared.
  delete h["weight_sync"];
  delete h["healthy_backends"];
  h["backends"] = Array.isArray(h["backends"]) ? h["backends"].map((u) => names.name(u)) : [];
  h["per_backend"] = names.keys(h["per_backend"] ?? null);
  return h;
}

export function normaliseMetrics(raw: Json, names: BackendNames): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(names.keys(asObj(raw)["backends"] ?? null))) {
    out[k] = pick(asObj(v), BACKEND_FIELDS);
  }
  return out;
}

async function getJson(url: string): Promise<Json> {
  const res = await fetch(url, { headers: { accept: "application/json" } });
  if (!res.ok) throw new ConformanceError("snapshot_failed", `GET ${url} answered ${res.status}`);
  return (await res.json()) as Json;
}

export interface RouterView {
  programs: Obj;
  health: Obj;
  metrics: Obj;
}

export async function snapshotRouter(routerUrl: string, names: BackendNames): Promise<RouterView> {
  const [programs, health, metrics] = await Promise.all([
    getJson(`${routerUrl}/programs`),
    getJson(`${routerUrl}/health`),
    getJson(`${routerUrl}/metrics`),
  ]);
  return {
    programs: normalisePrograms(programs, names),
    health: normaliseHealth(health, names),
    metrics: normaliseMetrics(metrics, names),
  };
}
