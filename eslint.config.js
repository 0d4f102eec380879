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
      "max-lines": ["warn", { max: 400, skipBlankLines: true, skipComments: true }],
      "no-console": "off",
    },
  },
  {
    files: ["packages/protocol/src/**/*.ts", "packages/router-core/src/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: ioModules.map((group) => ({
            group: [group],
            message: "Core packages are pure: I/O lives in the apps (docs/architecture.md).",
          })),
        },
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
    },
  },
  {
    files: ["**/test/**/*.ts", "**/*.test.ts"],
    rules: { "max-lines": "off", "@typescript-eslint/no-non-null-assertion": "off" },
  },
  prettier,
);
