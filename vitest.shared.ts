// Settings every package's vitest project shares: workspace packages resolve to their TypeScript
// sources through the "@thunderagent/source" export condition, so tests need no build first.
// The root config splits each package into `<pkg>:unit` and `<pkg>:integration` (splitProjects).
import { fileURLToPath } from "node:url";
import {
  defineProject,
  type TestProjectInlineConfiguration,
  type TestUserConfig,
} from "vitest/config";

export const SOURCE_CONDITION = "@thunderagent/source";

const TEST_FILES = ["test/**/*.test.ts", "src/**/*.test.ts"];
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export function sharedProject(name: string, overrides: TestUserConfig = {}) {
  return defineProject({
    resolve: { conditions: [SOURCE_CONDITION, "module", "node", "import", "default"] },
    ssr: { resolve: { conditions: [SOURCE_CONDITION, "node", "import", "default"] } },
    test: {
      name,
      include: TEST_FILES,
      environment: "node",
      testTimeout: 20_000,
      hookTimeout: 30_000,
      allowOnly: false,
      passWithNoTests: true,
      // A test that writes to stdout/stderr fails unless it calls allowConsole().
      setupFiles: [here("./testing/console-guard.ts")],
      ...overrides,
    },
  });
}

/**
 * The integration tests of each package (relative to the package): loopback servers, child
 * processes, Docker, temp directories. Every other test file is a unit test: pure, in-memory,
 * fast (reading checked-in fixtures is fine); testing/unit-guard.ts fails a unit test that
 * listens, connects, spawns or makes a temp directory, so a misfiled test shows up at once.
 */
export const INTEGRATION_TESTS: Record<string, readonly string[]> = {
  "packages/cli-kit": ["test/entry-process.test.ts", "test/shutdown-process.test.ts"],
  "packages/protocol": [],
  "packages/router-core": [],
  "packages/engine-sim": [
    "test/cli/args.test.ts",
    "test/cli/cli-openai.test.ts",
    "test/cli/signals.test.ts",
    "test/server/abort-continuum.test.ts",
    "test/server/api-formats.test.ts",
    "test/server/errors.test.ts",
    "test/server/metrics.test.ts",
    "test/server/openai-client.test.ts",
    "test/server/processes.test.ts",
    "test/server/stream-interval-compute-share.test.ts",
    "test/server/wire.test.ts",
  ],
  "packages/agent-core": [
    "test/docker-environment.test.ts",
    "test/environment-registry.test.ts",
    "test/exit-marker.test.ts",
    "test/local-environment.test.ts",
    "test/local-spawner.test.ts",
    "test/openai-model.test.ts",
  ],
  "apps/proxy": [
    "test/aborts.test.ts",
    "test/admission.test.ts",
    "test/availability.test.ts",
    "test/admin.test.ts",
    "test/backend-url.test.ts",
    "test/cli.test.ts",
    "test/dashboard/dashboard-browser.test.ts",
    "test/dashboard/dashboard-routes.test.ts",
    "test/docker-gc-podman.test.ts",
    "test/docker-gc.test.ts",
    "test/errors.test.ts",
    "test/fuzz.test.ts",
    "test/identity-routes.test.ts",
    "test/lifecycle.test.ts",
    "test/logging.test.ts",
    "test/plugin.test.ts",
    "test/policy-scenarios.test.ts",
    "test/profile-files.test.ts",
    "test/profile-writer.test.ts",
    "test/retries.test.ts",
    "test/scheduling.test.ts",
    "test/signals.test.ts",
    "test/streaming.test.ts",
    "test/timers.test.ts",
    "test/upstream-failures.test.ts",
    "test/weight-sync.test.ts",
    "test/wire-formats.test.ts",
  ],
  "apps/swebench": [
    "test/atomic-write.test.ts",
    "test/datasets.test.ts",
    "test/docker-hosts.test.ts",
    "test/docker-remote-host.test.ts",
    "test/docker-run.test.ts",
    "test/docker-ssh-host.test.ts",
    "test/docker-tls-host.test.ts",
    "test/dashboard-url.test.ts",
    "test/end-to-end.test.ts",
    "test/process.test.ts",
    "test/program-journal.test.ts",
    "test/run-batch.test.ts",
    "test/procs.test.ts",
    "test/router-preflight.test.ts",
    "test/signals.test.ts",
  ],
  "apps/reproduce": [
    "test/cli.test.ts",
    "test/dashboard-url.test.ts",
    "test/gpu-check.test.ts",
    "test/lifecycle.test.ts",
    "test/orchestrator.test.ts",
    "test/pipeline.test.ts",
    "test/plan.test.ts",
    "test/report.test.ts",
    "test/signals.test.ts",
    "test/sweep.test.ts",
  ],
  "apps/bench": [
    "src/proxy/paced.test.ts",
    "src/proxy/wrk.test.ts",
    "test/cli.test.ts",
    "test/vs-original.test.ts",
  ],
  "apps/conformance": ["test/**/*.test.ts"],
};

/**
 * The two vitest projects of one package directory (e.g. "apps/proxy"): its own vitest.config.ts
 * (name, overrides) with the unit files, then with the integration files.
 */
export function splitProjects(dir: string): TestProjectInlineConfiguration[] {
  const integration = [...(INTEGRATION_TESTS[dir] ?? [])];
  const name = dir.split("/").pop() ?? dir;
  const base = { extends: `./${dir}/vitest.config.ts`, root: `./${dir}` };
  return [
    {
      ...base,
      test: {
        name: `${name}:unit`,
        exclude: integration, // added to the default excludes
        setupFiles: [here("./testing/unit-guard.ts")], // added to the console guard
        isolate: false, // pure tests share one module graph per worker: imports once, not per file
      },
    },
    {
      ...base,
      test: { name: `${name}:integration` },
      plugins: [
        {
          // Array settings merge by concatenation, so the include list is replaced here.
          name: "thunderagent:integration-files",
          configResolved(config: { test?: { include?: string[] } }) {
            config.test ??= {};
            config.test.include = integration.length > 0 ? integration : ["no-integration-tests"];
          },
        },
      ],
    },
  ];
}
