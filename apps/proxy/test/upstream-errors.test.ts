// Upstream failures and Fastify's own errors are told apart by class, never by name or message.
import { errorCodes } from "fastify";
import { describe, expect, it } from "vitest";
import { toErrorResponse } from "../src/errors.js";
import { upstreamFailure } from "../src/upstream/errors.js";
import { UpstreamTimeoutError } from "../src/upstream/handler-base.js";

const B = "http://gpu0:8000";

describe("upstreamFailure", () => {
  it("answers 504 for an expired --upstream-timeout", () => {
    const e = upstreamFailure(new UpstreamTimeoutError("no complete answer after 50 ms"), B);
    expect(e.statusCode).toBe(504);
    expect(e.code).toBe("upstream_timeout");
    expect(e.message).toBe(`backend ${B} timed out: no complete answer after 50 ms`);
  });

  it("answers 502 for anything else, even an error that only calls itself a timeout", () => {
    const impostor = Object.assign(new Error("took long"), { name: "TimeoutError" });
    expect(upstreamFailure(impostor, B).statusCode).toBe(502);
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const e = upstreamFailure(refused, B);
    expect(e.statusCode).toBe(502);
    expect(e.code).toBe("upstream_unreachable");
    expect(e.message).toBe(`backend ${B} is unreachable: ECONNREFUSED`);
  });
});

describe("toErrorResponse", () => {
  it("maps Fastify's body-too-large error by its class to 413 body_too_large", () => {
    const r = toErrorResponse(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe("body_too_large");
    const lookalike = Object.assign(new Error("too large"), {
      code: "FST_ERR_CTP_BODY_TOO_LARGE",
      statusCode: 400,
    });
    expect(toErrorResponse(lookalike).status).toBe(400);
  });
});
