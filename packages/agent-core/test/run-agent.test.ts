import { describe, expect, it } from "vitest";
import {
  AgentSection,
  CommandTimeoutError,
  ContextLengthExceededError,
  parseMiniConfig,
  parseConfigYaml,
  readDefaultConfigText,
  runAgent,
} from "../src/index.js";
import { ScriptedAgentModel } from "../src/testing/index.js";
import { FakeEnv } from "./fake-env.js";

const swebench = parseMiniConfig(parseConfigYaml(readDefaultConfigText()));
const bash = (cmd: string, thought = "THOUGHT: doing it.") =>
  `${thought}\n\n\`\`\`bash\n${cmd}\n\`\`\``;
let t = 1000;
const now = () => (t += 0.5);

describe("runAgent (mini-swe-agent semantics)", () => {
  it("renders system+instance, runs actions, submits the rest of the output", async () => {
    const model = new ScriptedAgentModel({
      replies: [bash("ls"), bash("echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git diff")],
      now,
    });
    const env = new FakeEnv((cmd) =>
      cmd === "ls"
        ? { output: "a.py\n", returncode: 0 }
        : {
            output: "COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT\ndiff --git a/a.py\n+x\n",
            returncode: 0,
          },
    );
    const res = await runAgent({ config: swebench.agent, model, env, task: "Fix it", now });
    expect(res.exitStatus).toBe("Submitted");
    expect(res.submission).toBe("diff --git a/a.py\n+x\n");
    expect(env.commands).toEqual(["ls", "echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git diff"]);
    expect(res.messages.map((m) => m.role)).toEqual([
      "system",
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
    ]);
    expect(res.messages[1]!.content).toContain("Consider the following PR description:\nFix it\n");
    expect(res.messages[3]!.content).toBe("<returncode>0</returncode>\n<output>\na.py\n</output>");
    expect(res.messages[5]!.content).toBe(res.submission);
    expect(res.apiCalls).toBe(2);
    expect(res.stepTimings).toHaveLength(2);
    const s1 = res.stepTimings[0]!;
    expect(s1.step).toBe(1);
    expect(s1.query_start).toBeLessThanOrEqual(s1.last_token);
    expect(s1.tool_start).not.toBeNull();
    expect(s1.tool_end! >= s1.tool_start!).toBe(true);
  });

  it("zero or several bash blocks: format error message, loop continues", async () => {
    const model = new ScriptedAgentModel({
      replies: [
        "no block here",
        `${bash("ls")}\n${bash("pwd")}`,
        bash("echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT"),
      ],
    });
    const env = new FakeEnv(() => ({
      output: "COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT\n",
      returncode: 0,
    }));
    const res = await runAgent({ config: swebench.agent, model, env, task: "x" });
    expect(res.exitStatus).toBe("Submitted");
    expect(res.submission).toBe("");
    expect(res.messages[3]!.content).toMatch(
      /^Please always provide EXACTLY ONE action in triple backticks, found 0 actions\./,
    );
    expect(res.messages[5]!.content).toMatch(/found 2 actions\./);
    expect(env.commands).toHaveLength(1);
    expect(res.stepTimings[0]!.tool_start).toBeNull();
  });

  it("a timeout renders the timeout template and continues", async () => {
    const model = new ScriptedAgentModel({
      replies: [bash("sleep 100"), bash("echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT")],
    });
    const env = new FakeEnv((cmd) =>
      cmd === "sleep 100"
        ? new CommandTimeoutError(cmd, 60, "partial\n")
        : { output: "COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT\n", returncode: 0 },
    );
    const res = await runAgent({ config: swebench.agent, model, env, task: "x" });
    expect(res.exitStatus).toBe("Submitted");
    expect(res.messages[3]!.content).toBe(
      "The last command <command>sleep 100</command> timed out and has been killed.\nThe output of the command was:\n <output>\npartial\n\n</output>\nPlease try another command and make sure to avoid those requiring interactive input.",
    );
  });

  it("stops at step_limit with LimitsExceeded", async () => {
    const model = new ScriptedAgentModel({ replies: [], fallback: bash("ls") });
    const env = new FakeEnv(() => ({ output: "", returncode: 0 }));
    const config = AgentSection.parse({ ...swebench.agent, step_limit: 3 });
    const res = await runAgent({ config, model, env, task: "x" });
    expect(res.exitStatus).toBe("LimitsExceeded");
    expect(res.apiCalls).toBe(3);
    expect(env.commands).toHaveLength(3);
  });

  it("stops at cost_limit", async () => {
    const model = new ScriptedAgentModel({ replies: [], fallback: bash("ls"), cost: 0.6 });
    const env = new FakeEnv(() => ({ output: "", returncode: 0 }));
    const config = AgentSection.parse({ ...swebench.agent, step_limit: 0, cost_limit: 1 });
    const res = await runAgent({ config, model, env, task: "x" });
    expect(res.exitStatus).toBe("LimitsExceeded");
    expect(res.apiCalls).toBe(2);
  });

  it("context-length overflow terminates", async () => {
    const model = new ScriptedAgentModel({
      replies: [
        bash("ls"),
        new ContextLengthExceededError("maximum context length is 10 tokens", 10),
      ],
    });
    const env = new FakeEnv(() => ({ output: "", returncode: 0 }));
    const res = await runAgent({ config: swebench.agent, model, env, task: "x" });
    expect(res.exitStatus).toBe("ContextLengthExceeded");
    expect(res.messages.at(-1)!.content).toContain("maximum context length");
  });

  it("unexpected errors end the run with the error's name; abort gives Interrupted", async () => {
    const model = new ScriptedAgentModel({ replies: [new TypeError("boom")] });
    const env = new FakeEnv(() => ({ output: "", returncode: 0 }));
    const res = await runAgent({ config: swebench.agent, model, env, task: "x" });
    expect(res.exitStatus).toBe("TypeError");
    expect(res.error?.message).toBe("boom");

    const ac = new AbortController();
    ac.abort();
    const res2 = await runAgent({
      config: swebench.agent,
      model,
      env,
      task: "x",
      signal: ac.signal,
    });
    expect(res2.exitStatus).toBe("Interrupted");
  });

  it("the first line must be the marker (after leading whitespace)", async () => {
    const model = new ScriptedAgentModel({ replies: [bash("x"), bash("y")], fallback: bash("z") });
    const outputs: Record<string, string> = {
      x: "hello\nCOMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT\n",
      y: "\n  COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT  \npatch",
    };
    const env = new FakeEnv((c) => ({ output: outputs[c] ?? "", returncode: 0 }));
    const res = await runAgent({ config: swebench.agent, model, env, task: "x" });
    expect(res.exitStatus).toBe("Submitted");
    expect(res.submission).toBe("patch");
    expect(res.apiCalls).toBe(2);
  });
});
