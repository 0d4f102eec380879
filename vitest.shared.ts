// Settings every package's vitest project shares: workspace packages resolve to their TypeScript
// sources through the "@thunderagent/source" export condition, so tests need no build first.
import { defineProject, type TestUserConfig } from "vitest/config";

export const SOURCE_CONDITION = "@thunderagent/source";

export function sharedProject(name: string, overrides: TestUserConfig = {}) {
  return defineProject({
    resolve: { conditions: [SOURCE_CONDITION, "module", "node", "import", "default"] },
    ssr: { resolve: { conditions: [SOURCE_CONDITION, "node", "import", "default"] } },
    test: {
      name,
      include: ["test/**/*.test.ts", "src/**/*.test.ts"],
      environment: "node",
      testTimeout: 20_000,
      hookTimeout: 30_000,
      allowOnly: false,
      passWithNoTests: true,
      ...overrides,
    },
  });
}
