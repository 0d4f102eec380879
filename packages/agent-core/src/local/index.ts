/**
 * `@thunderagent/agent-core/local`: the `local` environment adapter (a directory on the host,
 * commands forked by a spawner helper process), its testbed repositories and its registry record.
 * @module
 */
export { LocalEnvironment } from "./local-environment.js";
export type { LocalEnvironmentOptions } from "./local-environment.js";
export { createTestbed, repoFilesOf } from "./local-testbed.js";
export type { Testbed } from "./local-testbed.js";
export { localClass } from "./local-class.js";
export { Spawner, sharedSpawner, sharedSpawnerStats } from "./spawner.js";
export type { SpawnRequest, SpawnResult, SpawnerOptions } from "./spawner.js";
