/**
 * The agent side: chat requests sent to the router in the background, each tracked until its
 * answer has been read to the end. The payload size is set by the scenario (the routers estimate
 * tokens from it); the last message carries the request's `<id>` tag for the fake vLLM.
 * @module
 */

export interface ClientRequest {
  id: string;
  program: string;
  /** HTTP status once the answer ended, null while it has not. */
  status: number | null;
  /** Transport error, if the connection failed. */
  error: string | null;
  done: Promise<void>;
}

export function chatPayload(id: string, program: string, chars: number, stream: boolean) {
  return {
    model: "conformance",
    messages: [
      { role: "system", content: "You are a conformance test." },
      { role: "user", content: `<${id}> ${"x".repeat(chars)}` },
    ],
    max_tokens: 64,
    program_id: program,
    ...(stream ? { stream: true } : {}),
  };
}

export function sendChat(
  routerUrl: string,
  step: { id: string; program: string; chars: number; stream: boolean },
): ClientRequest {
  const req: ClientRequest = {
    id: step.id,
    program: step.program,
    status: null,
    error: null,
    done: Promise.resolve(),
  };
  const body = JSON.stringify(chatPayload(step.id, step.program, step.chars, step.stream));
  req.done = (async () => {
    try {
      const res = await fetch(`${routerUrl}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      await res.arrayBuffer();
      req.status = res.status;
    } catch (err) {
      req.error = (err as Error).message;
      req.status = -1;
    }
  })();
  return req;
}
