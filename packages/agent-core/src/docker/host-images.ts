/**
 * The pre-run image check over several Docker hosts, before any worker starts: each host is
 * asked which of the run's images it has (an inspect per image; a host that does not answer is
 * taken out), the missing ones are pulled (`planPulls`: an image that n instances need is wanted
 * on min(hosts, n) hosts, so one shared image goes everywhere and SWE-bench's per-instance
 * images go to one host each, spread by slots), and the pool learns what each host has, so that
 * placement prefers those hosts. An image no host has or can pull stops the run with an error
 * naming the image and each host's reason; a pull that fails where another host has the image is
 * a warning naming host and image.
 * @module
 */
import type { PrepareImagesOptions } from "../environment/environment-class.js";
import { EnvironmentError } from "../environment/environment.js";
import { ensureImage } from "./docker-environment.js";
import { dockerFor, isHostFailure } from "./docker-hosts.js";
import { hostPool } from "./host-slots.js";

export interface HostImages {
  readonly url: string;
  readonly slots?: number | undefined;
  readonly has: ReadonlySet<string>;
}

export interface PlannedPull {
  image: string;
  /** How many more hosts should get it. */
  wanted: number;
  /** The hosts without it, best first (fewest pulls planned relative to their slots). */
  candidates: string[];
}

/** Which images to pull where; pure. Images already on enough hosts are left out. */
export function planPulls(
  hosts: readonly HostImages[],
  images: ReadonlyMap<string, number>,
): PlannedPull[] {
  const weight = Math.max(1, ...hosts.map((h) => h.slots ?? 0));
  const planned = new Map(hosts.map((h) => [h.url, 0]));
  const load = (h: HostImages) => planned.get(h.url)! / (h.slots ?? weight);
  const plan: PlannedPull[] = [];
  for (const [image, n] of images) {
    const having = hosts.filter((h) => h.has.has(image)).length;
    const wanted = Math.min(hosts.length, Math.max(1, n)) - having;
    if (wanted <= 0) continue;
    const lacking = hosts.filter((h) => !h.has.has(image));
    const candidates = lacking
      .map((h, i) => ({ h, i }))
      .sort((a, b) => load(a.h) - load(b.h) || a.i - b.i)
      .map(({ h }) => h.url);
    for (const url of candidates.slice(0, wanted)) planned.set(url, planned.get(url)! + 1);
    plan.push({ image, wanted, candidates });
  }
  return plan;
}

/** The images of `images` the host has (inspect; 404 = missing). Throws when the host is gone. */
async function imagesOn(url: string, images: Iterable<string>): Promise<Set<string>> {
  const docker = dockerFor(url);
  const has = new Set<string>();
  for (const image of images) {
    try {
      await docker.getImage(image).inspect();
      has.add(image);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
  }
  return has;
}

/** The docker class's `prepareImages` with `docker_hosts`. */
export async function prepareHostImages(options: PrepareImagesOptions): Promise<void> {
  const { config, images, warn } = options;
  const pool = hostPool(options.runId, config.docker_hosts);
  for (const h of config.docker_hosts) dockerFor(h); // each URL's keys/certificates, for dockerFor(url)
  const found: HostImages[] = [];
  await Promise.all(
    pool.hosts
      .filter((h) => h.up)
      .map(async (h) => {
        try {
          found.push({ url: h.url, slots: h.slots, has: await imagesOn(h.url, images.keys()) });
        } catch (error) {
          if (!isHostFailure(error)) throw error;
          const line = pool.takeOut(h.url, (error as Error).message);
          if (line) warn(line);
        }
      }),
  );
  if (found.length === 0) {
    throw new EnvironmentError(
      `no Docker host answers (${config.docker_hosts.map((h) => h.url).join(", ")})`,
    );
  }
  found.sort(
    (a, b) =>
      pool.hosts.findIndex((h) => h.url === a.url) - pool.hosts.findIndex((h) => h.url === b.url),
  );
  const has = new Map(found.map((h) => [h.url, new Set(h.has)]));
  const failures = new Map<string, string[]>();
  const pull = async (url: string, image: string): Promise<boolean> => {
    options.info?.(`pulling ${image} onto ${url}`);
    try {
      await ensureImage(dockerFor(url), image, true, config.pull_timeout);
      has.get(url)!.add(image);
      return true;
    } catch (error) {
      const why = `${url}: ${(error as Error).message}`;
      failures.set(image, [...(failures.get(image) ?? []), why]);
      return false;
    }
  };
  const plan = planPulls(found, images);
  // First the planned hosts (each host's pulls one after another, the hosts side by side)…
  const byHost = new Map<string, string[]>();
  for (const p of plan) {
    for (const url of p.candidates.slice(0, p.wanted))
      byHost.set(url, [...(byHost.get(url) ?? []), p.image]);
  }
  await Promise.all(
    [...byHost].map(async ([url, list]) => {
      for (const image of list) await pull(url, image);
    }),
  );
  // …then, for an image that is still on no host, the other candidates in turn.
  for (const p of plan) {
    for (const url of p.candidates.slice(p.wanted)) {
      if ([...has.values()].some((s) => s.has(p.image))) break;
      await pull(url, p.image);
    }
  }
  const missing = plan.filter((p) => ![...has.values()].some((s) => s.has(p.image)));
  if (missing.length > 0) {
    const first = missing[0]!;
    throw new EnvironmentError(
      `image ${first.image} is on none of the Docker hosts and cannot be pulled ` +
        `(${(failures.get(first.image) ?? []).join("; ")})` +
        (missing.length > 1 ? `; ${missing.length - 1} more image(s) likewise` : ""),
    );
  }
  for (const [image, whys] of failures) {
    for (const why of whys)
      warn(`cannot pull ${image} onto ${why}; its instances go to the hosts that have it`);
  }
  for (const [url, set] of has) pool.setImages(url, set);
}
