/**
 * The registry of environment classes: every registered class is complete (each field present
 * and callable), and the names the config accepts are exactly the registry's keys.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sweBenchImageName } from "@thunderagent/protocol";
import { afterAll, describe, expect, it } from "vitest";
import {
  ENVIRONMENT_CLASSES,
  ENVIRONMENT_CLASS_NAMES,
  EnvironmentClassName,
  EnvironmentSection,
  loadEnvironmentClass,
  parseMiniConfig,
} from "../src/index.js";
import { dockerClass } from "../src/docker/index.js";
import { localClass } from "../src/local/index.js";

const INSTANCE = { instance_id: "owner__repo-1", repo_files: { "README.md": "hi\n" } };
const config = EnvironmentSection.parse({});
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("environment class registry", () => {
  it.each(Object.keys(ENVIRONMENT_CLASSES))(
    "%s: every field is present and callable",
    async (key) => {
      const cls = await loadEnvironmentClass(key as EnvironmentClassName);
      expect(cls.name).toBe(key);
      expect(typeof cls.summary).toBe("string");
      expect(cls.summary.length).toBeGreaterThan(0);
      for (const field of ["imageFor", "create", "sweepLeftovers"] as const) {
        expect(typeof cls[field], `${key}.${field}`).toBe("function");
      }
      const image = cls.imageFor(INSTANCE, config);
      expect(image === null || (typeof image === "string" && image.length > 0)).toBe(true);
    },
  );

  it("the class names, the zod enum and the config's environment_class are the registry's keys", () => {
    const keys = Object.keys(ENVIRONMENT_CLASSES);
    expect(ENVIRONMENT_CLASS_NAMES).toEqual(keys);
    expect(EnvironmentClassName.options).toEqual(keys);
    for (const key of keys) {
      expect(
        parseMiniConfig({ environment: { environment_class: key } }).environment,
      ).toMatchObject({ environment_class: key });
    }
    expect(() => parseMiniConfig({ environment: { environment_class: "k8s" } })).toThrow(
      /environment_class/,
    );
  });

  it("the adapters' subpath records are the registered ones", async () => {
    expect(await loadEnvironmentClass("docker")).toBe(dockerClass);
    expect(await loadEnvironmentClass("local")).toBe(localClass);
  });

  it("docker: the SWE-bench instance image unless environment.image names one", () => {
    expect(dockerClass.imageFor(INSTANCE, config)).toBe(sweBenchImageName(INSTANCE));
    const own = EnvironmentSection.parse({ image: "busybox:latest" });
    expect(dockerClass.imageFor(INSTANCE, own)).toBe("busybox:latest");
  });

  it("local: no image, a testbed from repo_files that close() deletes, nothing to sweep", async () => {
    const parent = mkdtempSync(join(tmpdir(), "ta-registry-"));
    dirs.push(parent);
    const statuses: string[] = [];
    expect(localClass.imageFor(INSTANCE, config)).toBeNull();
    const env = await localClass.create({
      config,
      instance: INSTANCE,
      runId: "r1",
      workspaceDir: parent,
      onStatus: (s) => statuses.push(s),
    });
    expect(env.kind).toBe("local");
    expect(statuses).toEqual(["creating testbed"]);
    const res = await env.execute("cat README.md; git log --format=%s");
    expect(res.output).toBe("hi\nbase\n");
    const cwd = (await env.execute("pwd")).output.trim();
    expect(existsSync(cwd)).toBe(true);
    await env.close();
    await env.close();
    expect(existsSync(cwd)).toBe(false);
    expect(await localClass.sweepLeftovers({ runId: "r1" })).toBe(0);
  });
});
