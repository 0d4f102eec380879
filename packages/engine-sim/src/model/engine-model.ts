/**
 * The engine model: vLLM V1's scheduler over the block pool, in virtual time. No clock, no I/O:
 * the caller passes `now` and advances it by each step's `durationS`.
 *
 * One `step(now)` is one `schedule()` + forward pass + `update_from_output()`:
 * 1. RUNNING requests in list order each get `min(remaining, token budget)` tokens (a decode is one
 *    token, a chunked prefill continues). When a block cannot be allocated, the most recently
 *    admitted running request is preempted (recompute: blocks freed tail first, back to the head of
 *    the waiting queue), until it fits or the request preempted itself.
 * 2. Only if nothing was preempted, WAITING requests first-come-first-served: prefix lookup over
 *    full blocks (the last prompt token is always recomputed), then blocks for the first chunk;
 *    the first request that does not fit stops admission. Budgets: max_num_batched_tokens,
 *    max_num_seqs. No reservation for future decode growth.
 * 3. The step's duration comes from the step-time model; computed full blocks enter the prefix
 *    cache; requests whose known tokens are all computed emit one token.
 * @module
 */
import { continuumPick, continuumVictim } from "./continuum.js";
import { EngineState } from "./engine-state.js";
import { EngineSimError } from "./errors.js";
import { RequestState } from "./request-state.js";
import type { EngineEvent, EngineRequest } from "./types.js";

export interface StepResult {
  durationS: number;
  events: EngineEvent[];
}

/** What the scheduling phases of one step share. */
interface StepPlan {
  readonly events: EngineEvent[];
  /** The requests scheduled so far, each with its `stepTokens`. */
  readonly scheduled: RequestState[];
  /** Tokens left in this step (max_num_batched_tokens). */
  budget: number;
  /** Whether a request was preempted: no waiting request is admitted then. */
  preempted: boolean;
}

export class EngineModel extends EngineState {
  /** Queues a request (vLLM `add_request`). Throws a RangeError for a prompt that can never run. */
  addRequest(req: EngineRequest, now: number): void {
    if (this.byId.has(req.id)) {
      throw new EngineSimError("duplicate_request", `request ${req.id} is already in the engine`);
    }
    const p = req.promptTokens.length;
    if (p === 0) throw new RangeError(`request ${req.id}: empty prompt`);
    if (p >= this.config.maxModelLen) {
      throw new RangeError(
        `request ${req.id}: prompt of ${p} tokens ≥ max_model_len ${this.config.maxModelLen}`,
      );
    }
    if (Math.ceil((p + 1) / this.bs) > this.config.numGpuBlocks - 1) {
      throw new RangeError(`request ${req.id}: prompt of ${p} tokens exceeds the KV cache`);
    }
    // A request can never outgrow the pool (vLLM guarantees this by max_model_len ≤ KV capacity).
    const maxLen = Math.min(this.config.maxModelLen, (this.config.numGpuBlocks - 1) * this.bs);
    const s = new RequestState(req, this.seq++, now, maxLen);
    if (this.continuum && req.programId !== undefined) {
      s.programArrival = this.continuum.onArrive(req.programId, now);
    }
    this.byId.set(req.id, s);
    this.waiting.push(s);
  }

  /** Aborts a waiting or running request: its blocks are freed, `finished` (abort) is emitted next step. */
  abort(id: string, _now: number): void {
    const s = this.byId.get(id);
    if (!s) return;
    if (s.status === "waiting") {
      this.waiting.splice(this.waiting.indexOf(s), 1);
      this.leaveWaiting(s);
    } else if (s.status === "running") {
      this.running.splice(this.running.indexOf(s), 1);
    }
    this.pool.freeReversed(s.blocks);
    s.blocks = [];
    s.status = "finished";
    this.byId.delete(id);
    this.c.success.abort++;
    this.pending.push(this.finishedEvent(s, "abort"));
  }

  hasWork(): boolean {
    return this.waiting.length > 0 || this.running.length > 0 || this.pending.length > 0;
  }

  /** Whether a request is still in the engine (waiting or running). */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Runs one scheduler step starting at `now`; the step's outputs exist at now + durationS. */
  step(now: number): StepResult {
    const events = this.pending;
    this.pending = [];
    this.c.steps++;
    const cont = this.continuum;
    if (cont) for (const pin of cont.takeExpired(now)) this.releasePin(pin);
    const plan: StepPlan = {
      events,
      scheduled: [],
      budget: this.config.maxNumBatchedTokens,
      preempted: false,
    };
    this.scheduleRunning(plan);
    if (!plan.preempted) this.scheduleWaiting(plan);
    const durationS = this.forwardPass(plan.scheduled);
    this.emitOutputs(plan.scheduled, now + durationS, events);
    return { durationS, events };
  }

  // ---- the phases of a step ----

  /** 1. RUNNING requests, in list order, preempting as blocks run out. */
  private scheduleRunning(plan: StepPlan): void {
    let i = 0;
    while (i < this.running.length && plan.budget > 0) {
      const s = this.running[i]!;
      let n = Math.min(s.numTokens - s.numComputed, plan.budget);
      n = Math.min(n, this.config.maxModelLen - 1 - s.numComputed);
      if (n <= 0) {
        i++;
        continue;
      }
      i = this.makeRoom(s, n, i, plan);
      if (i < 0) break;
      s.stepTokens = n;
      plan.scheduled.push(s);
      plan.budget -= n;
      i++;
    }
  }

  /**
   * Preempts running requests until `n` more tokens of `s` (at running index `i`) have blocks.
   * Returns the index of `s` afterwards, or −1 when `s` preempted itself.
   */
  private makeRoom(s: RequestState, n: number, i: number, plan: StepPlan): number {
    const cont = this.continuum;
    while (!this.tryAllocate(s, n)) {
      if (cont && this.running.length <= 1) {
        const pin = cont.takeLatest();
        if (pin) {
          this.releasePin(pin);
          continue;
        }
      }
      const vi = cont ? continuumVictim(this.running) : this.running.length - 1;
      const victim = this.running[vi]!;
      this.running.splice(vi, 1);
      if (victim.stepTokens > 0) {
        // Continuum's victim can be a request already scheduled in this step: the fork drops its
        // scheduled tokens but does not give them back to the token budget.
        if (!cont) plan.budget += victim.stepTokens;
        victim.stepTokens = 0;
        plan.scheduled.splice(plan.scheduled.indexOf(victim), 1);
      }
      // Nor does it move its running-queue index back when the victim sat before it, so the
      // request after the current one is skipped for this step (vanilla's victim is the last).
      if (vi < i && !cont) i--;
      this.preempt(victim, plan.events);
      plan.preempted = true;
      if (victim === s) return -1;
    }
    return i;
  }

  /** 2. WAITING requests (only when nothing was preempted this step). */
  private scheduleWaiting(plan: StepPlan): void {
    const cont = this.continuum;
    while (
      this.waiting.length > 0 &&
      plan.budget > 0 &&
      this.running.length < this.config.maxNumSeqs
    ) {
      const wi = cont ? continuumPick(cont, this.waiting) : 0;
      const s = this.waiting[wi]!;
      const n = this.admit(s, plan.budget, plan.events);
      if (n === 0) {
        // Continuum, nothing running: the fork frees one pin (the latest end time) and ends this
        // schedule(); the step is empty, so the engine schedules again at once, re-picking the
        // queue head (the freed pin may have been what put that request first).
        const pin = cont && this.running.length === 0 ? cont.takeLatest() : null;
        if (!pin) break;
        this.releasePin(pin);
        continue;
      }
      this.waiting.splice(wi, 1);
      this.leaveWaiting(s);
      this.running.push(s);
      s.stepTokens = n;
      plan.scheduled.push(s);
      plan.budget -= n;
    }
  }

  /** 3a. The forward pass: the step's duration in seconds. */
  private forwardPass(scheduled: readonly RequestState[]): number {
    this.cost.reset();
    for (const s of scheduled) {
      const n = s.stepTokens;
      if (n === 1 && s.numOutput > 0 && s.numComputed === s.numTokens - 1) {
        this.cost.addDecode(s.numTokens);
      } else {
        this.cost.addPrefill(s.numComputed, n);
      }
    }
    return this.cost.seconds();
  }

  /** 3b. Its outputs at `end`: computed blocks cached, one token per completed request. */
  private emitOutputs(
    scheduled: readonly RequestState[],
    end: number,
    events: EngineEvent[],
  ): void {
    let finishedAny = false;
    for (const s of scheduled) {
      s.numComputed += s.stepTokens;
      s.stepTokens = 0;
      this.prefix.cacheComputed(s);
      if (s.numComputed < s.numTokens) continue;
      s.numOutput++;
      this.c.generationTokens++;
      if (!s.firstTokenSent) {
        s.firstTokenSent = true;
        this.c.promptTokens += s.promptLen;
        events.push({ type: "first_token", id: s.id });
      }
      events.push({ type: "token", id: s.id, count: 1 });
      if (s.numOutput >= s.target) {
        this.finish(s, s.targetReason, end, events);
        finishedAny = true;
      }
    }
    if (finishedAny) this.running = this.running.filter((s) => s.status === "running");
  }
}
