import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import {
  CommandTimeoutError,
  type ExecResult,
  SHIPPED_CONFIGS,
  parseConfigYaml,
  parseMiniConfig,
  runAgent,
} from "../src/index.js";
import { ScriptedAgentModel } from "../src/testing/index.js";
import { FakeEnv } from "./fake-env.js";

const load = (name: string) =>
  parseMiniConfig(parseConfigYaml(readFileSync(SHIPPED_CONFIGS[name]!, "utf8")));
const toolConfig = load("swebench-v2.yaml");
const textConfig = load("swebench-v2-backticks.yaml");
const SUBMIT = "echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && cat patch.txt";
const ok = (output: string): ExecResult => ({ output, returncode: 0 });
let t = 1000;
const now = () => (t += 0.5);

describe("runAgent, v2 layout", () => {
  it("tool calling: the bash tool is offered, parallel calls run in order as tool messages", async () => {
    const model = new ScriptedAgentModel({
      replies: [
        { content: "Looking around.", toolCalls: ["ls", "cat a.py"] },
        { toolCalls: [SUBMIT] },
      ],
      now,
    });
    const env = new FakeEnv((cmd) =>
      cmd === SUBMIT ? ok("COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT\ndiff\n") : ok(`out of ${cmd}\n`),
    );
    const res = await runAgent({ config: toolConfig.agent, model, env, task: "Fix", now });
    expect(res.exitStatus).toBe("Submitted");
    expect(res.submission).toBe("diff\n");
    expect(env.commands).toEqual(["ls", "cat a.py", SUBMIT]);
    const tools = model.callOptions[0]?.tools as Array<{ function: { name: string } }>;
    expect(tools.map((x) => x.function.name)).toEqual(["bash"]);
    expect(res.messages.map((m) => m.role)).toEqual([
      "system",
      "user",
      "assistant",
      "tool",
      "tool",
      "assistant",
      "user",
    ]);
    expect(res.messages[2]!.tool_calls?.map((c) => c.id)).toEqual(["call_1_0", "call_1_1"]);
    expect(res.messages[3]).toMatchObject({ tool_call_id: "call_1_0" });
    expect(res.messages[3]!.content).toBe("out of ls\n[exit code 0]");
    // the second request carries the tool calls and their results
    expect(model.calls[1]?.[3]).toMatchObject({ role: "tool", tool_call_id: "call_1_0" });
    expect(res.stepTimings).toHaveLength(2);
  });

  it("tool calling: no tool call renders {{error}}; three in a row end the run", async () => {
    const model = new ScriptedAgentModel({ replies: [], fallback: { toolCalls: [] }, now });
    const env = new FakeEnv(() => ok(""));
    const res = await runAgent({ config: toolConfig.agent, model, env, task: "Fix", now });
    expect(res.exitStatus).toBe("RepeatedFormatError");
    expect(res.apiCalls).toBe(3);
    expect(res.messages[3]!.content).toContain("No tool calls found in the response.");
  });

  it("the submit marker counts only with exit code 0; a timeout is an observation", async () => {
    const model = new ScriptedAgentModel({
      replies: [
        { toolCalls: ["false-submit"] },
        { toolCalls: ["sleep 99"] },
        { toolCalls: [SUBMIT] },
      ],
      now,
    });
    const env = new FakeEnv((cmd) =>
      cmd === "false-submit"
        ? { output: "COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT\n", returncode: 1 }
        : cmd === "sleep 99"
          ? new CommandTimeoutError(cmd, 60, "partial")
          : ok("COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT\n"),
    );
    const res = await runAgent({ config: toolConfig.agent, model, env, task: "Fix", now });
    expect(res.exitStatus).toBe("Submitted");
    expect(res.messages[3]!.content).toContain("[exit code 1]");
    expect(res.messages[5]!.content).toMatch(/^Exception: .*timed out after 60 seconds/);
    expect(res.messages[5]!.content).toContain("partial[exit code -1]");
  });

  it("text mode reads ```mswea_bash_command blocks; a ```bash block is a format error", async () => {
    const fence = (cmd: string, tag = "mswea_bash_command") =>
      `THOUGHT: go.\n\n\`\`\`${tag}\n${cmd}\n\`\`\``;
    const model = new ScriptedAgentModel({
      replies: [fence("ls", "bash"), fence("ls"), fence(SUBMIT)],
      now,
    });
    const env = new FakeEnv((cmd) =>
      cmd === SUBMIT ? ok("COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT\npatch\n") : ok("a.py\n"),
    );
    const res = await runAgent({ config: textConfig.agent, model, env, task: "Fix", now });
    expect(res.exitStatus).toBe("Submitted");
    expect(res.submission).toBe("patch\n");
    expect(model.callOptions[0]?.tools).toBeUndefined();
    expect(res.messages[3]!.content).toContain("Format error: Expected exactly 1 action, found 0.");
    expect(res.messages[5]!.content).toBe("<returncode>0</returncode>\n<output>\na.py\n</output>");
  });
});
