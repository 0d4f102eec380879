/**
 * A trajectory file (`<output>/<id>/<id>.traj.json`) in mini-swe-agent's format
 * (`trajectory_format: "mini-swe-agent-1"`), plus per-step timings so that steps/min can be counted
 * without a router. Times are Unix seconds.
 * @module
 */
import { z } from "zod";

export const TrajectoryMessage = z.looseObject({
  role: z.enum(["system", "user", "assistant", "tool"]),
  content: z.string(),
});
export type TrajectoryMessage = z.infer<typeof TrajectoryMessage>;

/** Timings of one agent step: the LLM call, then the command it ran. */
export const StepTiming = z.strictObject({
  step: z.number().int().positive(),
  query_start: z.number(),
  first_token: z.number().nullable(),
  last_token: z.number(),
  prompt_tokens: z.number().int().nonnegative().nullable(),
  completion_tokens: z.number().int().nonnegative().nullable(),
  cached_tokens: z.number().int().nonnegative().nullable(),
  tool_start: z.number().nullable(),
  tool_end: z.number().nullable(),
});
export type StepTiming = z.infer<typeof StepTiming>;

export const ExitStatus = z.string().min(1);

export const Trajectory = z.looseObject({
  trajectory_format: z.literal("mini-swe-agent-1"),
  instance_id: z.string().min(1),
  info: z.looseObject({
    exit_status: ExitStatus.nullable(),
    submission: z.string().nullable(),
    program_id: z.string().min(1),
    model_stats: z.looseObject({
      instance_cost: z.number().nonnegative(),
      api_calls: z.number().int().nonnegative(),
    }),
    step_timings: z.array(StepTiming),
  }),
  messages: z.array(TrajectoryMessage),
});
export type Trajectory = z.infer<typeof Trajectory>;
