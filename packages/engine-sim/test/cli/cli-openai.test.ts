import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The issue's acceptance line, as a process: `pnpm engine-sim --profile glm4.6 --time-scale 0.01
// --enable-prompt-tokens-details` answers the official openai client, streaming and not.
let child: ChildProcess;
let url = "";

beforeAll(async () => {
  const root = join(import.meta.dirname, "../../../..");
  const tsx = pathToFileURL(join(root, "node_modules/tsx/dist/esm/index.mjs")).href;
  child = spawn(
    process.execPath,
    [
      "--conditions=@thunderagent/source",
      "--import",
      tsx,
      join(import.meta.dirname, "../../src/main.ts"),
      "--profile",
      "glm4.6",
      "--time-scale",
      "0.01",
      "--enable-prompt-tokens-details",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  url = await new Promise<string>((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString("utf8");
      for (const line of buf.split("\n")) {
        if (!line.includes("engine-sim listening")) continue;
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    child.on("exit", (code) => reject(new Error(`engine-sim exited with ${code}`)));
  });
}, 60_000);

afterAll(() => {
  child.kill("SIGTERM");
});

describe("pnpm engine-sim + the openai client", () => {
  it("answers streaming and non-streaming requests", async () => {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: "unused", maxRetries: 0 });
    const models = await client.models.list();
    const model = models.data[0]!.id;
    expect(model).toBe("zai-org/GLM-4.6-FP8");
    const messages = [
      { role: "user" as const, content: "<pr_description>fix it</pr_description>" },
    ];
    const r = await client.chat.completions.create({ model, messages });
    expect(r.choices[0]!.message.content).toContain("```bash\nls -la\n```");
    expect(r.usage!.prompt_tokens_details).toBeDefined();
    const stream = await client.chat.completions.create({
      model,
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let cached = -1;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) cached = chunk.usage.prompt_tokens_details?.cached_tokens ?? -1;
    }
    expect(text).toBe(r.choices[0]!.message.content);
    expect(cached).toBeGreaterThan(0);
  });
});
