/**
 * A scripted OpenAI-compatible server that answers like a coding agent (THOUGHT + one ```bash
 * block; step 1 looks around, step 2 edits, step 3 submits). A boundary double for runner tests
 * that need exact control (delays, release answers); the end-to-end tests use engine-sim.
 * Also serves `POST /programs/release` like ThunderAgent (or 404 like a plain vLLM).
 */
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface AgentServerOptions {
  /** Delay before each reply (ms). */
  delayMs?: number;
  /** Answer /programs/release with 404 (a plain vLLM). */
  noRelease?: boolean;
  /** More model names for `GET /v1/models` (it always lists the seed config's model). */
  models?: string[];
  /**
   * Asked for every chat request (its program and the docker_ids it carried): a promise returned
   * holds the reply until it settles (the agent waits on its model; its container is idle).
   */
  hold?: (request: { programId: string | undefined; dockerIds: string[] }) => Promise<void> | void;
}

export interface AgentServer {
  url: string;
  programIds: string[];
  released: string[];
  /** The Authorization header of each release ("" when none). */
  releaseAuth: string[];
  /** The docker_ids each chat request carried, by program id. */
  dockerIds: Record<string, string[]>;
  requests: number;
  close(): Promise<void>;
}

/** What `GET /v1/models` lists: the model of the seed's swebench.yaml. */
const SERVED_MODELS = ["zai-org/GLM-4.6-FP8"];

export function agentReply(step: number): string {
  if (step === 1)
    return "THOUGHT: Let me look at the repository first.\n\n```bash\nls -la && git status\n```";
  if (step === 2)
    return 'THOUGHT: I will make the fix.\n\n```bash\nprintf "\\n# fixed by the agent\\n" >> README.md && tail -2 README.md\n```';
  return "THOUGHT: Done, submitting.\n\n```bash\necho COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT && git add -A && git diff --cached\n```";
}

export async function startAgentServer(options: AgentServerOptions = {}): Promise<AgentServer> {
  const state = {
    programIds: [] as string[],
    released: [] as string[],
    releaseAuth: [] as string[],
    dockerIds: {} as Record<string, string[]>,
    requests: 0,
  };
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      if (req.method === "GET" && req.url === "/v1/models") {
        const data = [...SERVED_MODELS, ...(options.models ?? [])].map((id) => ({ id }));
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ object: "list", data }));
        return;
      }
      if (req.method === "GET") {
        // Not a router: no /health of ours (the start-up check then leaves it to /v1/models).
        res.writeHead(404).end();
        return;
      }
      if (req.url === "/programs/release") {
        if (options.noRelease) {
          res.writeHead(404).end();
          return;
        }
        const { program_id } = JSON.parse(raw) as { program_id: string };
        state.released.push(program_id);
        state.releaseAuth.push(req.headers.authorization ?? "");
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ status: "ok", program_id }));
        return;
      }
      const body = JSON.parse(raw) as {
        messages: Array<{ role: string }>;
        program_id?: string;
        docker_ids?: string[];
      };
      if (body.program_id && body.docker_ids) state.dockerIds[body.program_id] = body.docker_ids;
      state.requests++;
      if (body.program_id && !state.programIds.includes(body.program_id))
        state.programIds.push(body.program_id);
      const step = body.messages.filter((m) => m.role === "assistant").length + 1;
      const content = agentReply(step);
      const held = options.hold?.({
        programId: body.program_id,
        dockerIds: body.docker_ids ?? [],
      });
      const answer = () => {
        if (res.destroyed) return; // the agent stopped waiting (a held reply)
        res.writeHead(200, { "content-type": "text/event-stream" });
        const chunk = (delta: object, extra: object = {}) =>
          `data: ${JSON.stringify({ id: "x", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
        res.write(chunk({ role: "assistant", content: "" }));
        res.write(chunk({ content: content.slice(0, 20) }));
        res.write(chunk({ content: content.slice(20) }));
        res.write(
          `data: ${JSON.stringify({ id: "x", object: "chat.completion.chunk", created: 1, model: "m", choices: [], usage: { prompt_tokens: 100 * step, completion_tokens: 20, total_tokens: 100 * step + 20 } })}\n\n`,
        );
        res.end("data: [DONE]\n\n");
      };
      void Promise.resolve(held).then(() => setTimeout(answer, options.delayMs ?? 0));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return {
    url,
    get programIds() {
      return state.programIds;
    },
    get released() {
      return state.released;
    },
    get releaseAuth() {
      return state.releaseAuth;
    },
    get dockerIds() {
      return state.dockerIds;
    },
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
