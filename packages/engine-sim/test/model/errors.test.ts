import { describe, expect, it } from "vitest";
import { EngineDriver, EngineModel, EngineSimError } from "../../src/index.js";
import { VllmHttpError } from "../../src/server/errors.js";
import { req, smallConfig, tokens } from "../helpers.js";

describe("EngineSimError", () => {
  it("a request id already in the engine is a duplicate_request", () => {
    const m = new EngineModel(smallConfig());
    m.addRequest(req("a", tokens(32)), 0);
    const err = (() => {
      try {
        m.addRequest(req("a", tokens(32)), 0);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(EngineSimError);
    expect(err).toMatchObject({ code: "duplicate_request", name: "EngineSimError" });
  });

  it("a closed driver refuses requests with driver_closed", () => {
    const d = new EngineDriver(new EngineModel(smallConfig()), { timeScale: 1, instant: true });
    d.close();
    expect(() => d.submit(req("a", tokens(32)), () => {})).toThrow(
      expect.objectContaining({ code: "driver_closed" }),
    );
  });

  it("the server's HTTP errors are EngineSimErrors with code http_error and keep their name", () => {
    const e = new VllmHttpError(404, "nope", "NotFoundError", "model");
    expect(e).toBeInstanceOf(EngineSimError);
    expect(e).toMatchObject({ code: "http_error", name: "VllmHttpError", status: 404 });
  });
});
