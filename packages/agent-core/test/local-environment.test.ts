import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { EnvironmentSection } from "../src/index.js";
import { LocalEnvironment } from "../src/local/index.js";
import { environmentContract } from "./environment-contract.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

environmentContract("local", {
  async make() {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "ta-local-env-")));
    dirs.push(dir);
    const config = EnvironmentSection.parse({
      environment_class: "local",
      timeout: 20,
      env: { PAGER: "cat", FOO: "bar baz" },
    });
    return new LocalEnvironment({ config, cwd: dir });
  },
  expectedCwd: (env) => (env as LocalEnvironment).cwd,
});
