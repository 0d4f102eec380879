/**
 * The scripted "model": replies the way mini-swe-agent expects (a `THOUGHT:` paragraph and exactly
 * one ```bash block). Each program (identified by its first user message, plus the seed) draws a
 * number of steps and per-step output lengths from the workload's distributions
 * (docs/simulator-facts.md), issues harmless commands that work in a local sandbox or a SWE-bench
 * container, and finally submits with
 * `echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git add -A && git diff --cached`. When the request
 * offers tools the command comes as one `bash` tool call (mini-swe-agent v2's tool-calling mode);
 * when the prompt asks for ```mswea_bash_command blocks (v2's text mode) the block uses that tag.
 * Pure and deterministic.
 * @module
 */
import { type ChatMessageLike, messageText } from "../chat/render-chat.js";
import { CHARS_PER_TOKEN } from "../chat/tokenize.js";
import { hashString, lognormal, mulberry32 } from "@thunderagent/protocol";

export interface ScriptedModelOptions {
  seed?: number;
  /** Steps per program: lognormal median / p90, truncated at `max` (mini-swe-agent step_limit). */
  steps?: { median: number; p90: number; min: number; max: number };
  /** Output tokens per step: lognormal median / p90, capped (simulator-facts.md: 90 / 700 / 2048). */
  outputTokens?: { median: number; p90: number; min: number; max: number };
}

export interface ScriptedToolCall {
  id: string;
  type: "function";
  function: { name: "bash"; arguments: string };
}

export interface ScriptedReply {
  /** The assistant message content. */
  content: string;
  /** The tool calls of the reply (one `bash` call when the request offered tools, else none). */
  toolCalls: ScriptedToolCall[];
  /** What the reply costs in tokens: the content plus the tool calls as the next prompt holds them. */
  text: string;
  /** The single bash command in it. */
  command: string;
  /** The command's first word (vLLM-continuum's tool key). */
  toolKey: string;
  /** 1-based step of the program this reply answers. */
  step: number;
  plannedSteps: number;
  /** The submit step. */
  isFinal: boolean;
}

export const SUBMIT_COMMAND =
  "echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git add -A && git diff --cached";
const SCRATCH = "sim_scratch.py";
const CREATE = `printf 'value = 1\\nprint(value)\\n' > ${SCRATCH} && cat ${SCRATCH}`;
const BROWSE = [
  'find . -maxdepth 2 -type f -name "*.py" | head -n 20',
  'grep -rn "def " --include="*.py" . | head -n 20',
  // Cheap on any host: an interpreter start here (a pyenv shim costs ~0.6 s of CPU) is real time
  // that a time-compressed run counts as tens of simulated seconds of tool time.
  "git status --short",
  `sed -i 's/value = 1/value = 2/' ${SCRATCH} && cat ${SCRATCH}`,
  `cat ${SCRATCH}`,
  `wc -l ${SCRATCH}`,
  "pwd && ls",
];
const SENTENCES = [
  "I need to understand how the repository is laid out before changing anything.",
  "The issue description points at a small function, so I will look for where it is defined.",
  "Let me check the output of the previous command and decide what to inspect next.",
  "This looks like the right place, but I want to confirm the behaviour with a quick check.",
  "I will keep the change minimal so that existing tests keep passing.",
  "Before editing, it is worth reading the surrounding code to avoid breaking callers.",
  "The previous output suggests the bug is an off-by-one in the boundary handling.",
  "A scratch file lets me verify the edit without touching the library code.",
  "Now I will run a command that confirms the current state of the working tree.",
  "The fix seems straightforward once the data flow is clear.",
];

const DEFAULTS: Required<ScriptedModelOptions> = {
  seed: 0,
  steps: { median: 40, p90: 80, min: 3, max: 135 },
  outputTokens: { median: 90, p90: 700, min: 24, max: 2048 },
};

export class ScriptedModel {
  private readonly o: Required<ScriptedModelOptions>;

  constructor(options: ScriptedModelOptions = {}) {
    this.o = { ...DEFAULTS, ...options };
  }

  /** The reply to a conversation (its step is the number of assistant turns so far + 1). */
  reply(messages: readonly ChatMessageLike[], options: { tools?: boolean } = {}): ScriptedReply {
    const firstUser = messages.find((m) => m.role === "user");
    const programSeed = hashString(firstUser ? messageText(firstUser) : "", this.o.seed);
    const s = this.o.steps;
    const plannedSteps = clamp(
      Math.round(lognormal(mulberry32(programSeed), s.median, s.p90)),
      s.min,
      s.max,
    );
    let step = 1;
    for (const m of messages) if (m.role === "assistant") step++;
    const rand = mulberry32(hashString(`step ${step}`, programSeed));
    const isFinal = step >= plannedSteps;
    const command = isFinal
      ? SUBMIT_COMMAND
      : step === 1
        ? "ls -la"
        : step === 2
          ? CREATE
          : BROWSE[Math.floor(rand() * BROWSE.length)]!;
    const t = this.o.outputTokens;
    const target = clamp(Math.round(lognormal(rand, t.median, t.p90)), t.min, t.max);
    const toolKey = command.split(/\s+/, 1)[0] ?? "";
    const plan = { command, toolKey, step, plannedSteps, isFinal };
    if (options.tools) {
      const args = JSON.stringify({ command });
      const toolCalls: ScriptedToolCall[] = [
        {
          id: `call_${programSeed}_${step}`,
          type: "function",
          function: { name: "bash", arguments: args },
        },
      ];
      const content = buildContent("", target - Math.ceil(args.length / CHARS_PER_TOKEN), rand);
      return { ...plan, content, toolCalls, text: content + JSON.stringify(toolCalls) };
    }
    const content = buildContent(fenced(command, messages), target, rand);
    return { ...plan, content, toolCalls: [], text: content };
  }
}

/** The command in the block the prompt asks for (```mswea_bash_command in v2 text mode). */
function fenced(command: string, messages: readonly ChatMessageLike[]): string {
  const prompt = messages.slice(0, 2).map(messageText).join("\n");
  const tag = prompt.includes("```mswea_bash_command") ? "mswea_bash_command" : "bash";
  return `\n\n\`\`\`${tag}\n${command}\n\`\`\``;
}

/** THOUGHT paragraph sized so that content + end-of-turn ≈ `targetTokens` tokens. */
function buildContent(tail: string, targetTokens: number, rand: () => number): string {
  const want = (targetTokens - 1) * CHARS_PER_TOKEN - tail.length;
  let thought = "THOUGHT:";
  while (thought.length < want) {
    thought += " " + SENTENCES[Math.floor(rand() * SENTENCES.length)]!;
  }
  if (thought.length > want && want > 40) thought = thought.slice(0, want).trimEnd();
  return thought + tail;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
