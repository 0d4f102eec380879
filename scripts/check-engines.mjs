#!/usr/bin/env node
// Checks that the Node versions we promise (root package.json `engines.node`) are accepted by every
// installed production dependency of every workspace package: each package's `dependencies`,
// `optionalDependencies` and installed `peerDependencies`, followed transitively through
// node_modules (Node's own resolution, so it works for pnpm's layout and npm's). A dependency whose
// `engines.node` is not a superset of our range fails the check, with the chain that pulls it in.
// Dev dependencies are not checked: consumers never install them.
//
//   node scripts/check-engines.mjs [--verbose] [--project <dir>]
//
// --project: check the production dependencies of the package in <dir> instead of the workspace
// (scripts/consumer-test.mjs points it at a project that installed our tarballs).
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import semver from "semver";

const root = fileURLToPath(new URL("..", import.meta.url));
const verbose = process.argv.includes("--verbose");
const projectAt = process.argv.indexOf("--project");
const project = projectAt >= 0 ? process.argv[projectAt + 1] : undefined;
if (projectAt >= 0 && !project) {
  console.error("check-engines: --project needs a directory");
  process.exit(2);
}
const readJson = (p) => JSON.parse(readFileSync(p, "utf8"));

const ours = readJson(join(root, "package.json")).engines?.node;
if (!ours || !semver.validRange(ours)) {
  console.error(`check-engines: root package.json has no valid engines.node (${ours})`);
  process.exit(1);
}

/** Node's lookup of `name` from `dir`: the nearest node_modules/<name> up the tree. */
function resolvePackageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name, "package.json");
    if (existsSync(candidate)) return realpathSync(dirname(candidate));
    if (dirname(dir) === dir) return null;
  }
}

function prodDeps(pkg) {
  const names = new Set([
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.optionalDependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
  ]);
  const required = new Set(Object.keys(pkg.dependencies ?? {}));
  for (const [name, meta] of Object.entries(pkg.peerDependenciesMeta ?? {})) {
    if (!meta?.optional && name in (pkg.peerDependencies ?? {})) required.add(name);
  }
  return [...names].map((name) => ({ name, required: required.has(name) }));
}

const starts = project
  ? [realpathSync(project)]
  : ["packages", "apps"].flatMap((group) =>
      readdirSync(join(root, group), { withFileTypes: true })
        .filter((e) => e.isDirectory() && existsSync(join(root, group, e.name, "package.json")))
        .map((e) => realpathSync(join(root, group, e.name))),
    );

/**
 * A Node version in our range that `range` rejects, or null when `range` accepts all of ours.
 * `semver.subset` alone is not enough: it wants each of our intervals inside ONE of theirs, so it
 * rejects `^20.19.0 || >=22.12.0` against `^20.19.0 || ^22.12.0 || >=23` (the same versions).
 * Both ranges are unions of intervals whose ends are their comparators' versions, so testing each
 * end and the version right after it (prereleases aside) decides it.
 */
function counterexample(range) {
  if (semver.subset(ours, range)) return null;
  const points = new Set(["0.0.0", "1000.0.0"]);
  for (const r of [ours, range]) {
    for (const comparators of new semver.Range(r).set) {
      for (const c of comparators) {
        if (typeof c.semver.major !== "number") continue; // "*"
        const v = `${c.semver.major}.${c.semver.minor}.${c.semver.patch}`;
        points.add(v).add(semver.inc(v, "patch"));
      }
    }
  }
  const sorted = [...points].sort(semver.compare);
  return sorted.find((v) => semver.satisfies(v, ours) && !semver.satisfies(v, range)) ?? null;
}

const seen = new Map(); // realpath -> { name, version, engines }
const problems = [];
const missing = [];

function visit(dir, chain) {
  if (seen.has(dir)) return;
  const pkg = readJson(join(dir, "package.json"));
  const range = pkg.engines?.node;
  seen.set(dir, { name: pkg.name, version: pkg.version, range });
  const here = [...chain, `${pkg.name}@${pkg.version}`];
  if (range !== undefined) {
    const valid = semver.validRange(range);
    if (!valid) {
      problems.push(`${here.join(" > ")}: engines.node "${range}" is not a valid semver range`);
    } else {
      const bad = counterexample(range);
      if (bad) {
        problems.push(
          `${here.join(" > ")}: engines.node "${range}" does not accept all of our "${ours}" (not ${bad})`,
        );
      }
    }
  }
  for (const dep of prodDeps(pkg)) {
    const depDir = resolvePackageDir(dep.name, dir);
    if (!depDir) {
      if (dep.required) missing.push(`${here.join(" > ")} > ${dep.name} (not installed)`);
      continue;
    }
    visit(depDir, here);
  }
}

for (const start of starts) visit(start, []);

if (verbose) {
  for (const { name, version, range } of seen.values()) {
    console.log(`${name}@${version}: ${range ?? "(no engines.node)"}`);
  }
}
for (const m of missing) console.error(`check-engines: missing ${m}`);
for (const p of problems) console.error(`check-engines: ${p}`);
if (problems.length > 0 || missing.length > 0) {
  console.error(
    `check-engines: ${problems.length} dependenc${problems.length === 1 ? "y does" : "ies do"} not ` +
      `accept node "${ours}" (root package.json engines); pick versions that do, or change the range.`,
  );
  process.exit(1);
}
console.log(
  `engines ok: ${seen.size} production packages accept node "${ours}" ` +
    `(${[...seen.values()].filter((p) => p.range !== undefined).length} declare engines.node)`,
);
