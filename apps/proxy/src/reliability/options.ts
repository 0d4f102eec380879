/**
 * The reliability flags: how long a request waits for a healthy backend, the upstream and client
 * timeouts, admission bounds, retries before the first byte and the per-backend circuit breaker.
 * One table for the command line (spread into flags.ts) and one zod shape for the config (spread
 * into config.ts); README "Reliability" says what each does.
 * @module
 */
import { z } from "zod";
import type { OptionSpec } from "@thunderagent/cli-kit";

const SECONDS_OR_0 = "a number of seconds ≥ 0 (0 = none)";

export const RELIABILITY_FLAGS = {
  "wait-for-backend": {
    value: "S",
    help: "with no healthy backend a request waits this long for one, then 503 + Retry-After (5)",
    expect: "a number of seconds ≥ 0",
  },
  "first-byte-timeout": {
    value: "S",
    help: "seconds until the backend's response headers, then 504 (600; 0 = none)",
    expect: SECONDS_OR_0,
  },
  "stream-idle-timeout": {
    value: "S",
    help: "seconds between two chunks of a backend's answer before it counts as broken (120; 0 = none)",
    expect: SECONDS_OR_0,
  },
  "client-timeout": {
    value: "S",
    help: "seconds a client has to send a request's headers and body, then 408 and close (30)",
    expect: "a number of seconds > 0",
  },
  "max-waiting": {
    value: "N",
    help: "requests waiting for a paused program or a healthy backend, beyond which 503 (10000)",
    expect: "a whole number > 0",
  },
  "max-programs": {
    value: "N",
    help: "programs tracked, beyond which a new program gets 503 (100000)",
    expect: "a whole number > 0",
  },
  "max-json-depth": {
    value: "N",
    help: "deepest nesting of a request body's JSON, else 400 (128)",
    expect: "a whole number > 0",
  },
  retries: {
    value: "N",
    help: "retries of a request before its first byte reached the client (connect error, 502/503) (2)",
    expect: "a whole number ≥ 0",
  },
  "breaker-failures": {
    value: "N",
    help: "consecutive failures that open a backend's circuit breaker (5)",
    expect: "a whole number > 0",
  },
  "breaker-cooldown": {
    value: "S",
    help: "seconds an open breaker waits before one trial request (10)",
    expect: "a number of seconds > 0",
  },
} as const satisfies Record<string, OptionSpec>;

const secondsOr0 = z.coerce.number().nonnegative();
const whole = z.coerce.number().int().positive();

/** The config fields of {@link RELIABILITY_FLAGS}, with their defaults. */
export const reliabilityConfig = {
  waitForBackend: secondsOr0.default(5),
  firstByteTimeout: secondsOr0.default(600),
  streamIdleTimeout: secondsOr0.default(120),
  clientTimeout: z.coerce.number().positive().default(30),
  maxWaiting: whole.default(10_000),
  maxPrograms: whole.default(100_000),
  maxJsonDepth: whole.default(128),
  retries: z.coerce.number().int().nonnegative().default(2),
  breakerFailures: whole.default(5),
  breakerCooldown: z.coerce.number().positive().default(10),
};
