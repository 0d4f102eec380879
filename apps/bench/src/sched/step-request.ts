/**
 * What an agent sends for its next step: the engine request (the context's token ids, the
 * scripted reply length, the tool that follows) and the gateway's call record (the rendered
 * body's size, the arrival time). Pure but for drawing fresh reply ids from the token source.
 * @module
 */
import type { Call } from "./gateway.js";
import type { SimEngineRequest } from "./ports.js";
import type { Agent } from "./simulation-types.js";
import { freshIds, type TokenSource } from "./token-context.js";
import type { WorkloadParams } from "./workload.js";

export interface StepRequest {
  req: SimEngineRequest;
  call: Call;
}

/** The request of `agent`'s current step at `t`; sets `agent.replyIds` when replies are reused. */
export function stepRequest(
  agent: Agent,
  w: WorkloadParams,
  tokens: TokenSource,
  t: number,
): StepRequest {
  const ctx = agent.ctx!;
  const step = agent.script.steps[agent.step]!;
  const requestId = `${agent.programId}-s${agent.step + 1}`;
  const req: SimEngineRequest = {
    id: requestId,
    promptTokens: ctx.view(),
    maxTokens: w.maxCompletionTokens,
    outputTokens: step.outputTokens,
    programId: agent.programId,
    toolKey: step.toolKey,
    // mini-swe-agent's vLLM client (the Continuum fork's and ThunderAgent's) sets is_last_step
    // from the step limit only, `n_calls + 1 >= step_limit`: a program that submits earlier
    // has no last step. The trajectories are truncated at the limit (`steps.max`).
    isLastStep: agent.step + 1 >= agent.script.stepLimit,
  };
  if (w.outputReusable) {
    agent.replyIds = freshIds(tokens, step.outputTokens);
    req.outputTokenIds = agent.replyIds;
  }
  const call: Call = {
    requestId,
    programId: agent.programId,
    serial: agent.serial,
    // The rendered JSON body: ~charsPerToken per token plus per-message framing.
    payloadChars: Math.round(ctx.length * w.charsPerToken) + 64 * (2 * agent.step + 2),
    arrivedAt: t,
    forwardedAt: t,
    backend: -1,
    firstTokenAt: null,
  };
  return { req, call };
}
