/**
 * What a program may name and own: its id's length, the containers it names in `docker_ids` (the
 * container-name grammar), and the label the runner puts on every container it creates for a
 * program. The router's `--docker-gc` removes a named container only when it carries this label
 * with the releasing program's id, so a client can never have another program's (or anyone
 * else's) container removed.
 * @module
 */
import { z } from "zod";

/** The container label whose value is the id of the program the container belongs to. */
export const PROGRAM_ID_LABEL = "thunderagent.program_id";

/** Longest program id the router accepts (characters); a longer one is a 400. */
export const PROGRAM_ID_MAX_LENGTH = 256;

/** Longest container id or name in `docker_ids` (a full id is 64 hex digits). */
export const DOCKER_ID_MAX_LENGTH = 128;

/** Docker's container-name grammar (ids are hex, a subset): no `/`, `?`, `..`-only names. */
export const DOCKER_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** One `docker_ids` entry: a container id or name. */
export const DockerId = z
  .string()
  .max(DOCKER_ID_MAX_LENGTH, `must be at most ${DOCKER_ID_MAX_LENGTH} characters`)
  .regex(DOCKER_ID_PATTERN, "must match the container-name grammar [a-zA-Z0-9][a-zA-Z0-9_.-]*");
export type DockerId = z.infer<typeof DockerId>;
