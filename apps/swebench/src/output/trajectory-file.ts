/**
 * `<output>/<id>/<id>.traj.json` in mini-swe-agent's format, with per-step timings
 * (`info.step_timings`) so steps/min can be counted without a router. Validated with
 * @thunderagent/protocol's `Trajectory` before it is written (atomically).
 * @module
 */
import { join } from "node:path";
import type { AgentResult } from "@thunderagent/agent-core";
import { Trajectory, parseOrThrow } from "@thunderagent/protocol";
import { writeFileAtomic } from "../atomic-write.js";

export function trajectoryPath(outputDir: string, instanceId: string): string {
  return join(outputDir, instanceId, `${instanceId}.traj.json`);
}

export interface TrajectoryInput {
  instanceId: string;
  programId: string;
  result: AgentResult;
  config: unknown;
  modelName: string;
  startedAt: number;
  endedAt: number;
  environment: { kind: string; image?: string; setupS: number };
}

export function buildTrajectory(input: TrajectoryInput): Trajectory {
  const { result } = input;
  return parseOrThrow(
    Trajectory,
    {
      trajectory_format: "mini-swe-agent-1",
      instance_id: input.instanceId,
      info: {
        exit_status: result.exitStatus,
        submission: result.submission,
        program_id: input.programId,
        model_stats: { instance_cost: result.cost, api_calls: result.apiCalls },
        step_timings: result.stepTimings,
        model_name: input.modelName,
        started_at: input.startedAt,
        ended_at: input.endedAt,
        environment: input.environment,
        config: input.config,
        ...(result.error ? { traceback: result.error.stack ?? result.error.message } : {}),
      },
      messages: result.messages,
    },
    `trajectory of ${input.instanceId}`,
  );
}

export async function writeTrajectory(outputDir: string, trajectory: Trajectory): Promise<string> {
  const path = trajectoryPath(outputDir, trajectory.instance_id);
  await writeFileAtomic(path, `${JSON.stringify(trajectory, null, 2)}\n`);
  return path;
}
