/**
 * `@thunderagent/proxy`: the ThunderAgent router server. `buildApp(deps)` gives the Fastify app;
 * `thunderAgentPlugin` registers the same routes on an app the user owns; the `thunderagent`
 * binary (`main.ts`) adds the command line, listening and signals.
 * @module
 */
export { buildApp } from "./app.js";
export type { AppDeps } from "./app.js";
export { thunderAgentPlugin } from "./plugin.js";
export type { ThunderAgentPluginOptions } from "./plugin.js";
export {
  resolveIdentity,
  sourceName,
  sourcesInOrder,
  CLOSE_BODY_PATH,
  CLOSE_HEADERS,
} from "./identity/index.js";
export type { Identity, IdentityOptions, IdentitySource } from "./identity/index.js";
export {
  ConfigError,
  FLAGS,
  ProxyConfig,
  envName,
  loadConfig,
  makeConfig,
  parseByteSize,
  readCommandLine,
  usage,
} from "./config.js";
export type { CommandLine, LoadConfigResult } from "./config.js";
export { PROXY_CLI } from "./flags.js";
export type { ProxyContext, ProxyCounters } from "./context.js";
export { createRouter, routerOptions } from "./create-router.js";
export { DockerGc } from "./docker-gc.js";
export type { ContainerRemover } from "./docker-gc.js";
export { ProxyError } from "./errors.js";
export type { ProxyErrorCode } from "./errors.js";
export { ProfileWriter, STEP_PROFILES_FILE } from "./profile-writer.js";
export type * from "./router-port.js";
