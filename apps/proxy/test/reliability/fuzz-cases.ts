/**
 * The fuzz suite's cases (fast-check arbitraries): HTTP requests a hostile or broken client could
 * send the proxy. Routes (the four data-plane ones, release, the admin GETs, unknown ones), odd
 * methods and Content-Types, identity headers of any shape, and bodies that are random bytes, cut
 * JSON, any JSON value, deep nesting, near the body limit, or a chat request whose router fields
 * (program_id, docker_ids, extra_body, envelopes, stream options) hold anything.
 */
import fc from "fast-check";
import { MODEL } from "../helpers/engines.js";

export interface FuzzCase {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | Uint8Array | null;
}

const ROUTES = [
  "/v1/chat/completions",
  "/v1/completions",
  "/v1/responses",
  "/v1/messages",
  "/programs/release",
  "/programs",
  "/health",
  "/metrics",
  "/v1/models",
  "/profiles",
  "/nope",
];

/** Header values must be valid header text for the client to send them at all. */
const headerText = fc.string({ maxLength: 300 }).map((s) => s.replace(/[^\x20-\x7e]/g, "x"));

const weird = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "", " ", "\n", "a\r\nb", "../x"),
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 250, maxLength: 300 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });

const chatLike = fc.record(
  {
    model: fc.oneof({ weight: 4, arbitrary: fc.constant(MODEL) }, { weight: 1, arbitrary: weird }),
    messages: fc.oneof(
      { weight: 3, arbitrary: fc.constant([{ role: "user", content: "hi" }]) },
      {
        weight: 1,
        arbitrary: fc.array(fc.record({ role: weird, content: weird }), { maxLength: 3 }),
      },
      { weight: 1, arbitrary: weird },
    ),
    prompt: maybe(weird),
    input: maybe(weird),
    max_tokens: maybe(fc.oneof(fc.integer({ min: -5, max: 20 }), weird)),
    program_id: maybe(weird),
    docker_ids: maybe(
      fc.oneof(
        fc.array(
          fc.oneof(fc.constantFrom("c1", "../images/x?force=true", "a/b", ""), fc.string()),
          { maxLength: 4 },
        ),
        weird,
      ),
    ),
    extra_body: maybe(fc.oneof(weird, fc.record({ program_id: weird, docker_ids: weird }))),
    stream: maybe(fc.oneof(fc.boolean(), weird)),
    stream_options: maybe(fc.oneof(fc.record({ include_usage: weird }), weird)),
    metadata: maybe(fc.oneof(fc.record({ program_id: weird }), weird)),
    vllm_xargs: maybe(
      fc.oneof(
        fc.record({
          agentic_context: fc.oneof(fc.record({ program_id: weird, session_id: weird }), weird),
        }),
        weird,
      ),
    ),
    nvext: maybe(
      fc.oneof(
        fc.record({
          agent_context: fc.oneof(
            fc.record({ trajectory_id: weird, trajectory_final: weird }),
            weird,
          ),
        }),
        weird,
      ),
    ),
  },
  { requiredKeys: [] },
);

function nested(depth: number, open: string, close: string): string {
  return `{"model":"m","messages":[],"x":${open.repeat(depth)}${close.repeat(depth)}}`;
}

const body: fc.Arbitrary<string | Uint8Array | null> = fc.oneof(
  { weight: 6, arbitrary: chatLike.map((o) => JSON.stringify(o)) },
  {
    weight: 2,
    arbitrary: chatLike.chain((o) => {
      const text = JSON.stringify(o);
      return fc.nat({ max: Math.max(0, text.length - 1) }).map((n) => text.slice(0, n));
    }),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? "null") },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 6000 }).map((d) => nested(d, "[", "]")) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 3000 }).map((d) => nested(d, '{"a":', "}")) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 60_000, max: 70_000 })
      .map((n) => `{"model":"m","messages":[],"pad":"${"p".repeat(n)}"}`),
  },
  { weight: 1, arbitrary: fc.constant(null) },
);

export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.record({
  // Picked by percentage: fc.oneof's weights are not honoured when it biases small values.
  method: fc
    .integer({ min: 0, max: 99 })
    .map((n) => (n < 90 ? "POST" : ["GET", "PUT", "DELETE", "OPTIONS", "PATCH"][n % 5]!)),
  path: fc
    .integer({ min: 0, max: 99 })
    .chain((n) =>
      n < 75
        ? fc.constantFrom(...ROUTES.slice(0, 5))
        : n < 90
          ? fc.constantFrom(...ROUTES)
          : n < 95
            ? fc.string({ maxLength: 30 }).map((s) => `/profiles/${encodeURIComponent(s)}`)
            : fc.constantFrom(...ROUTES).map((r) => `${r}?api_key=k&x=%ZZ`),
    ),
  headers: fc.record(
    {
      "content-type": fc.oneof(
        fc.constantFrom(
          "",
          "application/json",
          "application/json, text/plain",
          "text/plain",
          "multipart/form-data; boundary=x",
          ";;;",
          "application/json; charset=latin1",
        ),
        headerText,
      ),
      "x-session-id": headerText,
      "x-claude-code-session-id": headerText,
      "x-session-final": fc.constantFrom("true", "TRUE", "false", "yes", ""),
      "x-request-id": headerText,
      authorization: headerText,
    },
    { requiredKeys: [] },
  ),
  body,
});
