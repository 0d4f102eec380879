/**
 * Request bodies are JSON whatever the content type says (as the Python original reads them),
 * including an empty or malformed `Content-Type` such as `application/json, text/plain`. A body
 * that does not parse, or that nests deeper than `--max-json-depth`, is a 400 whose message names
 * the problem and its position but quotes nothing of the body (no prompt text in answers or logs).
 * @module
 */
import type { FastifyInstance } from "fastify";
import { pythonJsonDumpsLength } from "@thunderagent/router-core";
import { ProxyError } from "../errors.js";
import type { RouterPort } from "../router-port.js";

/** A media type Fastify accepts (`type/subtype`, optional parameters). */
const MEDIA_TYPE = /^\s*[\w!#$&^.+-]+\/[\w!#$&^.+-]+\s*(;.*)?$/s;

/** Whether `text` nests arrays/objects deeper than `max` (strings are skipped). Linear, no parse. */
export function jsonDepthExceeds(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/** JSON.parse's complaint without the body fragment V8 quotes in it. */
export function describeJsonError(err: unknown): string {
  const message = String((err as Error).message ?? "");
  const at = /position (\d+)/.exec(message);
  const what = /end of JSON|Unterminated/i.test(message) ? "unexpected end" : "unexpected token";
  return at ? `${what} at position ${at[1]}` : what;
}

export function parseBodiesAsJson(
  app: FastifyInstance,
  router: RouterPort,
  limits: { bodyLimit: number; maxJsonDepth: number },
): void {
  // The size the Router estimates tokens from: the body as sent, or as the original measures it.
  const measure =
    router.options.payloadChars === "python-json"
      ? (text: string) => pythonJsonDumpsLength(text) ?? text.length
      : (text: string) => text.length;
  // A content type Fastify cannot parse would be a 415 before any parser runs: read it as JSON.
  app.addHook("onRequest", async (request) => {
    const type = request.headers["content-type"];
    if (type !== undefined && !MEDIA_TYPE.test(type)) {
      request.headers["content-type"] = "application/json";
    }
  });
  app.removeAllContentTypeParsers();
  const { bodyLimit, maxJsonDepth } = limits;
  app.addContentTypeParser("*", { parseAs: "string", bodyLimit }, (request, body, done) => {
    const text = body as string;
    request.bodyChars = measure(text);
    if (text.length === 0) return done(null, undefined);
    if (jsonDepthExceeds(text, maxJsonDepth)) {
      return done(
        new ProxyError(
          400,
          `JSON body nests deeper than ${maxJsonDepth} levels (--max-json-depth)`,
          "json_too_deep",
        ),
        undefined,
      );
    }
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(
        new ProxyError(400, `malformed JSON body: ${describeJsonError(err)}`, "invalid_json"),
        undefined,
      );
    }
  });
}
