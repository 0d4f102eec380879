// Flat ESLint config shared by every package (each package runs `eslint .` and finds this file).
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import globals from "globals";
import tseslint from "typescript-eslint";

/** I/O modules that the pure core packages must never import (see docs/architecture.md, "Pure core, thin shell"). */
const ioModules = [
  "node:*",
  "fs",
  "http",
  "child_process",
  "fastify",
  "undici",
  "pino",
  "dockerode",
  "execa",
  "openai",
];

/** The pure rules: no I/O imports, no timers, no environment, no wall clock. */
const pureCoreRules = (message) => ({
  "no-restricted-imports": [
    "error",
    { patterns: ioModules.map((group) => ({ group: [group], message })) },
  ],
  "no-restricted-globals": [
    "error",
    { name: "setTimeout", message: "Time is passed in; the core keeps no timers." },
    { name: "setInterval", message: "Time is passed in; the core keeps no timers." },
    { name: "process", message: "Configuration is injected; the core reads no environment." },
  ],
  "no-restricted-properties": [
    "error",
    { object: "Date", property: "now", message: "Use the injected clock." },
  ],
});

/**
 * Size limits for source (packages/<pkg>/src, apps/<app>/src; not tests, not generated code): a
 * file at most 300 lines, a function at most 80, blank lines and comments not counted.
 */
const SIZE_LIMITS = { file: 300, fn: 80 };
const sizeOptions = (max) => ({ max, skipBlankLines: true, skipComments: true });

/**
 * Source over the size limits when the limits came in (CONTRIBUTING.md, "Size limits"). Each
 * entry caps the file at its size then, so it can only shrink: split the file or the function,
 * then lower or delete its line here. Never add a line.
 */
const SIZE_OFFENDERS = {};

const sizeRules = ({ file, fn }) => ({
  "max-lines": ["error", sizeOptions(file)],
  "max-lines-per-function": ["error", sizeOptions(fn)],
});

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/node_modules/**", "**/.turbo/**", "**/coverage/**"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "off",
    },
  },
  {
    files: ["packages/protocol/src/**/*.ts", "packages/router-core/src/**/*.ts"],
    rules: pureCoreRules("Core packages are pure: I/O lives in the apps (docs/architecture.md)."),
  },
  {
    // agent-core's loop and what it is made of are pure; its ports' adapters (docker, local, the
    // OpenAI client) and the default-config file reader do the I/O.
    files: [
      "packages/agent-core/src/agent/**/*.ts",
      "packages/agent-core/src/config/**/*.ts",
      "packages/agent-core/src/template/**/*.ts",
      "packages/agent-core/src/environment/**/*.ts",
      "packages/agent-core/src/model/model.ts",
      "packages/agent-core/src/model/retry-policy.ts",
      "packages/agent-core/src/model/context-length.ts",
      "packages/agent-core/src/errors.ts",
    ],
    ignores: ["packages/agent-core/src/config/default-config.ts"],
    rules: pureCoreRules(
      "agent-core's loop is pure: I/O lives in the adapters (src/docker, src/local, src/model/openai-model.ts).",
    ),
  },
  {
    files: ["packages/*/src/**/*.ts", "apps/*/src/**/*.ts"],
    ignores: ["**/*.test.ts", "**/generated/**", "**/*.generated.ts"],
    rules: sizeRules(SIZE_LIMITS),
  },
  ...Object.entries(SIZE_OFFENDERS).map(([file, caps]) => ({
    files: [file],
    rules: sizeRules({ ...SIZE_LIMITS, ...caps }),
  })),
  {
    files: ["**/test/**/*.ts", "**/*.test.ts"],
    rules: { "max-lines": "off", "@typescript-eslint/no-non-null-assertion": "off" },
  },
  prettier,
);
