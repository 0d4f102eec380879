/**
 * What an environment class is, as data: the record every adapter exports and the registry
 * (registry.ts) names. A runner needs nothing else to use a class: the image an instance runs in
 * (for its records), creating the started environment for one instance, and sweeping what a run
 * of the class left behind.
 * @module
 */
import type { EnvironmentSection } from "../config/mini-config.js";
import type { Environment } from "./environment.js";

/** The task instance an environment is made for (a SWE-bench row, or just an id). */
export type EnvironmentInstance = {
  instance_id: string;
  /** SWE-bench's image override. */
  image_name?: string | undefined;
} & Record<string, unknown>;

/**
 * The label naming the program a resource (a container) belongs to. The router's `--docker-gc`
 * removes a program's `docker_ids` only when they carry this label with that program's id; one
 * definition, in protocol, for the runner and the router.
 */
export { PROGRAM_ID_LABEL } from "@thunderagent/protocol";
/** The label naming the SWE-bench instance a resource was made for. */
export const INSTANCE_ID_LABEL = "thunderagent.instance_id";

/**
 * Who hands out places on several hosts (docker with `docker_hosts`): a slot on a host for a
 * container from `image`, waiting while every fitting host is full. The runner's own process owns
 * the counts; an agent process of `--procs N` asks it through messages.
 */
export interface HostSlots {
  /** A slot on the best host for `image` (its URL); rejects when no host is left or on abort. */
  acquire(image: string, signal?: AbortSignal): Promise<string>;
  /** Gives the slot back; `image` is on the host now (it was pulled there). */
  release(url: string, image?: string): void;
  /** Drains the host; the line to log (null: out already, or logged elsewhere). */
  takeOut(url: string, why: string): string | null;
  /**
   * Calls `onOut` once with the reason when the host is taken out (by anyone: a failed
   * operation, the runner's health pings), at once when it is out already; returns the unwatch.
   */
  watch(url: string, onOut: (why: string) => void): () => void;
}

export interface CreateEnvironmentOptions {
  config: EnvironmentSection;
  instance: EnvironmentInstance;
  /** The run this environment belongs to: its resources are labelled with it (docker). */
  runId: string;
  /** More labels for the resources (docker: container labels). */
  labels?: Record<string, string>;
  /** Host directory for per-instance workspaces (local: the testbed); default: the OS temp dir. */
  workspaceDir?: string;
  /** Aborting stops the setup (an image pull, a container start) and rejects. */
  signal?: AbortSignal;
  /** What the setup is doing, for progress views ("starting container (…)", "creating testbed"). */
  onStatus?: (status: string) => void;
  /** Something the run should know about (docker: a host taken out), one line. */
  onWarning?: (line: string) => void;
  /** docker with `docker_hosts`: where the slots come from (default: this process's pool). */
  hostSlots?: HostSlots;
  /**
   * The environment was lost underneath it (docker: its host was drained), with what happened
   * (as in `Environment.lost`): the caller stops what runs in it and may start again elsewhere.
   */
  onLost?: (lost: string) => void;
}

export interface MonitorOptions {
  /** The run's environment config (after the start-up checks). */
  config: EnvironmentSection;
  runId: string;
  /** A change the user should see (docker: a host drained by the pings, or back). */
  warn: (line: string) => void;
  /** Detail for the run log (docker: a host that missed a ping). */
  info: (line: string) => void;
}

/** A running monitor; `stop` ends it (its timers and requests). */
export interface Monitor {
  stop(): void;
}

export interface SweepOptions {
  /** Only this run's leftovers; without it, every run's on this host. */
  runId?: string;
  /** The run's environment config (docker: every host of `docker_hosts` is swept). */
  config?: EnvironmentSection;
}

export interface EnvironmentClass {
  /** The registry key (`environment.environment_class`). */
  readonly name: string;
  /** One line for help texts and docs. */
  readonly summary: string;
  /** The image an instance runs in (docker: `config.image`, else its SWE-bench image); null on the host. */
  imageFor(instance: EnvironmentInstance, config: EnvironmentSection): string | null;
  /** The started environment for one instance; its `close()` releases everything create made. */
  create(options: CreateEnvironmentOptions): Promise<Environment>;
  /** Removes what runs of this class left behind (containers); resolves to how many were removed. */
  sweepLeftovers(options: SweepOptions): Promise<number>;
  /**
   * Start-up check before any worker starts: resolves to null when the class can create
   * environments (docker: the engine answers, and `config.image`, when set, is there), else to
   * one line saying what is wrong. Optional: a class without it needs no check.
   */
  check?(config: EnvironmentSection): Promise<string | null>;
  /**
   * Start-up, before `check`: the config narrowed to what works (docker: the hosts of
   * `docker_hosts` that do not answer are taken out, each named through `warn`). Optional.
   */
  prepare?(config: EnvironmentSection, warn: (line: string) => void): Promise<EnvironmentSection>;
  /**
   * Before the workers start, with the images the selected instances need: each host has them or
   * gets them now (docker with `docker_hosts`: checked per host, missing ones pulled; throws
   * naming the image and each host's error when one cannot be had). Optional.
   */
  prepareImages?(options: PrepareImagesOptions): Promise<void>;
  /**
   * During the run, in the runner's process only (with `--procs N` too): watches what the
   * environments depend on (docker with `docker_hosts`: pings every host, drains one that stops
   * answering and brings it back once it answers again); null when there is nothing to watch.
   * Optional.
   */
  monitor?(options: MonitorOptions): Monitor | null;
}

export interface PrepareImagesOptions {
  config: EnvironmentSection;
  runId: string;
  /** Each distinct image and how many instances need it. */
  images: ReadonlyMap<string, number>;
  warn: (line: string) => void;
  /** What it is doing (a pull), for the user. */
  info?: (line: string) => void;
}
