/**
 * Throughput sweep of the simulator itself (`--instant`: no simulated time, so what is measured is
 * the server's own overhead). Starts `engine-sim --instant` as a child process (one Node process,
 * one core for the server), drives N concurrent conversations from this process over keep-alive
 * HTTP, and reports requests/s and tokens/s.
 *
 *   node --conditions=@thunderagent/source --import tsx packages/engine-sim/bench/sweep.ts \
 *     [--concurrency 8,64,256] [--seconds 10] [--max-tokens 16] [--stream] [--turns 4]
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    concurrency: { type: "string", default: "8,64,256" },
    seconds: { type: "string", default: "10" },
    "max-tokens": { type: "string", default: "16" },
    stream: { type: "boolean", default: false },
    turns: { type: "string", default: "4" },
  },
});
const levels = values.concurrency.split(",").map(Number);
const seconds = Number(values.seconds);
const maxTokens = values["max-tokens"] === "none" ? null : Number(values["max-tokens"]);
const stream = values.stream;
const turns = Number(values.turns);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function startServer(port: number) {
  const root = join(import.meta.dirname, "../../..");
  const tsx = pathToFileURL(join(root, "node_modules/tsx/dist/esm/index.mjs")).href;
  const child = spawn(
    process.execPath,
    [
      ...(process.env["SWEEP_NODE_ARGS"]?.split(" ").filter(Boolean) ?? []),
      "--conditions=@thunderagent/source",
      "--import",
      tsx,
      join(import.meta.dirname, "../src/main.ts"),
      "--instant",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--served-model-name",
      "sim",
      "--log-level",
      "warn",
    ],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error("server did not start");
}

function request(agent: http.Agent, port: number, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: "127.0.0.1",
        port,
        path: "/v1/chat/completions",
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          res.statusCode === 200
            ? resolve(Buffer.concat(chunks).toString("utf8"))
            : reject(
                new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString("utf8")}`),
              ),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
}

function parseReply(text: string): { content: string; usage: Usage } {
  if (!stream) {
    const j = JSON.parse(text) as {
      choices: Array<{ message: { content: string } }>;
      usage: Usage;
    };
    return { content: j.choices[0]!.message.content, usage: j.usage };
  }
  // Cheap SSE scan (the client must not be the bottleneck): only the usage frame is parsed.
  let content = "";
  let usage: Usage = { prompt_tokens: 0, completion_tokens: 0 };
  const key = '"delta":{"content":';
  for (const frame of text.split("\n\n")) {
    if (!frame.startsWith("data: {")) continue;
    if (frame.includes('"choices":[]')) {
      usage = (JSON.parse(frame.slice(6)) as { usage: Usage }).usage;
      continue;
    }
    const at = frame.indexOf(key);
    if (at < 0) continue;
    const end = frame.indexOf('},"logprobs"', at);
    content += JSON.parse(frame.slice(at + key.length, end)) as string;
  }
  return { content, usage };
}

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ=100)
  } catch {
    return Number.NaN;
  }
}

async function runLevel(port: number, n: number, pid: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: n });
  let requests = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  let measuring = false;
  let stop = false;
  const conversation = async (w: number) => {
    let episode = 0;
    while (!stop) {
      const messages: Array<{ role: string; content: string }> = [
        {
          role: "system",
          content: "You are a helpful assistant that can interact with a computer.",
        },
        { role: "user", content: `<pr_description>worker ${w} task ${episode++}</pr_description>` },
      ];
      for (let t = 0; t < turns && !stop; t++) {
        const body: Record<string, unknown> = { model: "sim", messages };
        if (maxTokens !== null) body["max_tokens"] = maxTokens;
        if (stream) {
          body["stream"] = true;
          body["stream_options"] = { include_usage: true };
        }
        const r = parseReply(await request(agent, port, JSON.stringify(body)));
        if (measuring) {
          requests++;
          promptTokens += r.usage.prompt_tokens;
          completionTokens += r.usage.completion_tokens;
        }
        messages.push({ role: "assistant", content: r.content });
        messages.push({ role: "user", content: "<returncode>0</returncode>\n<output>ok</output>" });
      }
    }
  };
  const workers = Array.from({ length: n }, (_, w) => conversation(w));
  await new Promise((r) => setTimeout(r, 1500)); // warm-up
  measuring = true;
  const t0 = performance.now();
  const cpu0 = cpuSeconds(pid);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const dt = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(pid) - cpu0;
  stop = true;
  await Promise.allSettled(workers);
  agent.destroy();
  return {
    concurrency: n,
    reqPerS: requests / dt,
    serverCpu: cpu / dt,
    reqPerCpuS: requests / cpu,
    promptTokPerS: promptTokens / dt,
    completionTokPerS: completionTokens / dt,
    meanPrompt: promptTokens / Math.max(1, requests),
    meanCompletion: completionTokens / Math.max(1, requests),
  };
}

const port = await freePort();
const child = await startServer(port);
try {
  const rows = [];
  for (const n of levels) rows.push(await runLevel(port, n, child.pid!));
  const f = (x: number) => x.toFixed(0);
  console.log(
    `mode: ${stream ? "streaming" : "non-streaming"}, max_tokens ${maxTokens ?? "none"}, ${turns} turns per conversation, ${seconds} s per level`,
  );
  console.log(
    "| concurrent conversations | requests/s | server CPU (cores) | requests per server CPU-second | prompt tokens/s | completion tokens/s | mean prompt | mean completion |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    console.log(
      `| ${r.concurrency} | ${f(r.reqPerS)} | ${r.serverCpu.toFixed(2)} | ${f(r.reqPerCpuS)} | ${f(r.promptTokPerS)} | ${f(r.completionTokPerS)} | ${f(r.meanPrompt)} | ${f(r.meanCompletion)} |`,
    );
  }
} finally {
  child.kill("SIGTERM");
}
