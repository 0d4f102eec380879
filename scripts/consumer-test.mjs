#!/usr/bin/env node
// The published packages as a stranger gets them, after `pnpm build`: `pnpm pack` every package
// that is not private, `npm install` all the tarballs at once into a scratch project (so the
// @thunderagent/* dependencies resolve from the tarballs, never from the registry; third-party
// dependencies come from the npm registry or its cache), then check what landed:
//
//  - every package: Apache-2.0 licence field and LICENSE file, a README with `npm install <name>`,
//    our engines range, no `workspace:` left, every `exports` target present, every source map's
//    sources present, internal dependencies installed from the tarballs; npm printed no
//    EBADENGINE; scripts/check-engines.mjs passes on the installed tree;
//  - the README's checked example of each package (the code block after a `<!-- consumer-test`
//    comment) runs as an .mjs file under plain `node`, and type-checks as a .ts file together with
//    a file importing every export of every package: `tsc --noEmit`, strict, moduleResolution
//    nodenext, no skipLibCheck; protocol and router-core also without @types/node (pure; lib DOM
//    for the URL that zod's types name);
//  - every bin: `--help` and `--version` exit 0 and print (the version: the package's);
//    `thunderagent-reproduce glm4.6 --simulate --dry-run` plans with the installed bins, not the
//    monorepo's sources; `engine-sim` + `thunderagent-swebench --subset sample` solve one instance.
//
//   node scripts/consumer-test.mjs [--keep]     (--keep: leave the scratch directory)
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const keep = process.argv.includes("--keep");
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const log = (line) => console.log(`[consumer-test ${elapsed()}] ${line}`);
const readJson = (p) => JSON.parse(readFileSync(p, "utf8"));

/** What must be published, and the bins that must come with it. */
const EXPECTED = {
  "@thunderagent/protocol": { bins: [] },
  "@thunderagent/router-core": { bins: [] },
  "@thunderagent/engine-sim": { bins: ["engine-sim"] },
  "@thunderagent/agent-core": { bins: [] },
  "@thunderagent/proxy": { bins: ["thunderagent"] },
  "@thunderagent/swebench": { bins: ["thunderagent-swebench"] },
  "@thunderagent/reproduce": { bins: ["thunderagent-reproduce"] },
};
/** Pure packages: their types must not need @types/node. */
const PURE = ["@thunderagent/protocol", "@thunderagent/router-core"];
const LICENSE = "Apache-2.0";

const failures = [];
let checks = 0;
function check(ok, message) {
  checks++;
  if (!ok) {
    failures.push(message);
    console.error(`  FAIL ${message}`);
  }
  return ok;
}

/**
 * Runs a command; resolves with its exit code and output (never rejects). The timeouts are safety
 * nets for a hung process, set far above the usual durations: a loaded shared machine is slow.
 */
function run(cmd, args, { cwd = root, timeoutMs = 120_000, env = {} } = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (err) => (stderr += String(err)));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const why = timedOut ? `killed after ${timeoutMs / 1000} s` : `signal ${signal}`;
      resolvePromise({ code: signal ? why : code, stdout, stderr });
    });
  });
}
/** At most `n` of the functions given to the returned limiter run at once (2 shared cores). */
function limiter(n) {
  let active = 0;
  const queue = [];
  const next = () => {
    if (active >= n || queue.length === 0) return;
    active++;
    const { fn, resolveJob } = queue.shift();
    fn()
      .then(resolveJob)
      .finally(() => {
        active--;
        next();
      });
  };
  return (fn) =>
    new Promise((resolveJob) => {
      queue.push({ fn, resolveJob });
      next();
    });
}
const limit = limiter(2);
const tail = (text, n = 15) => text.trim().split("\n").slice(-n).join("\n");
const shortName = (name) => name.replace(/^@thunderagent\//, "");

async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

// ---------------------------------------------------------------------------------------------
// The workspace: what is published, and whether it only depends on published packages.
const rootPkg = readJson(join(root, "package.json"));
const workspace = ["packages", "apps"].flatMap((group) =>
  readdirSync(join(root, group), { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, group, e.name, "package.json")))
    .map((e) => ({
      dir: join(root, group, e.name),
      pkg: readJson(join(root, group, e.name, "package.json")),
    })),
);
const published = workspace.filter((w) => !w.pkg.private);
const publishedNames = new Set(published.map((w) => w.pkg.name));
for (const name of Object.keys(EXPECTED))
  check(publishedNames.has(name), `${name} is published (not private)`);
for (const { pkg } of published) {
  for (const [dep, spec] of Object.entries(pkg.dependencies ?? {})) {
    if (!spec.startsWith("workspace:")) continue;
    check(publishedNames.has(dep), `${pkg.name} depends on ${dep}, which is private`);
    check(spec === "workspace:^", `${pkg.name}: dependency ${dep} is "${spec}", not "workspace:^"`);
  }
  for (const bin of EXPECTED[pkg.name]?.bins ?? []) {
    check(pkg.bin?.[bin] !== undefined, `${pkg.name} declares the bin ${bin}`);
  }
}
if (failures.length > 0) finish();

const scratch = mkdtempSync(join(tmpdir(), "ta-consumer-"));
const tarballs = join(scratch, "tarballs");
const project = join(scratch, "project");
mkdirSync(tarballs);
mkdirSync(project);
try {
  await main();
} finally {
  if (keep) log(`scratch left in ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
}
finish();

async function main() {
  // -------------------------------------------------------------------------------------------
  log(`pnpm pack: ${published.map((w) => w.pkg.name).join(", ")}`);
  const filters = published.map((w) => `--filter=${w.pkg.name}`);
  const pack = await run("pnpm", ["-r", ...filters, "pack", "--pack-destination", tarballs], {
    timeoutMs: 180_000,
  });
  check(pack.code === 0, `pnpm pack:\n${tail(pack.stdout + pack.stderr)}`);
  const files = readdirSync(tarballs).filter((f) => f.endsWith(".tgz"));
  if (
    !check(files.length === published.length, `one tarball per package (got ${files.join(", ")})`)
  )
    return;

  // -------------------------------------------------------------------------------------------
  log(`npm install of ${files.length} tarballs (+ @types/node) into ${project}`);
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "consumer", version: "0.0.0", private: true, type: "module" }, null, 2),
  );
  const install = await run(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      "--loglevel=warn",
      ...files.map((f) => join(tarballs, f)),
      `@types/node@${rootPkg.devDependencies["@types/node"]}`,
    ],
    { cwd: project, timeoutMs: 600_000 },
  );
  if (!check(install.code === 0, `npm install:\n${tail(install.stdout + install.stderr, 30)}`))
    return;
  const engineWarnings = (install.stdout + install.stderr)
    .split("\n")
    .filter((l) => /EBADENGINE/.test(l));
  check(
    engineWarnings.length === 0,
    `npm install warned about engines:\n${engineWarnings.join("\n")}`,
  );
  const lock = readJson(join(project, "package-lock.json"));
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (!/(^|\/)node_modules\/@thunderagent\//.test(path)) continue;
    check(
      entry.resolved?.startsWith("file:"),
      `${path} came from ${entry.resolved ?? "?"}, not from our tarballs`,
    );
  }

  const installed = (name) => join(project, "node_modules", name);
  for (const { pkg } of published) checkInstalledPackage(pkg.name, installed(pkg.name));

  const engines = await run(process.execPath, [
    join(root, "scripts", "check-engines.mjs"),
    "--project",
    project,
  ]);
  check(
    engines.code === 0,
    `check-engines on the installed tree:\n${tail(engines.stdout + engines.stderr)}`,
  );

  // -------------------------------------------------------------------------------------------
  const examples = published.map(({ pkg }) => ({
    name: pkg.name,
    code: readmeExample(installed(pkg.name)),
  }));
  for (const e of examples) {
    if (e.name in EXPECTED) check(e.code !== null, `${e.name}: README has a consumer-test example`);
  }
  const runnable = examples.filter((e) => e.code !== null);
  for (const e of runnable) {
    writeFileSync(join(project, `readme-${shortName(e.name)}.mjs`), e.code);
    writeFileSync(join(project, `readme-${shortName(e.name)}.ts`), e.code);
  }
  log("tsc (strict, nodenext, no skipLibCheck) while README examples and bins run under node");
  // The end-to-end run first: it is the longest of the node jobs.
  const e2e = limit(() => endToEnd(project));
  const examplesRun = Promise.all(
    runnable.map((e) =>
      limit(() =>
        run(process.execPath, [`readme-${shortName(e.name)}.mjs`], {
          cwd: project,
          timeoutMs: 180_000,
        }),
      ).then((r) =>
        check(
          r.code === 0 && r.stdout.trim() !== "",
          `${e.name}: README example under node exited ${r.code}:\n${tail(r.stdout + r.stderr)}`,
        ),
      ),
    ),
  );
  await Promise.all([typeCheck(project, runnable), examplesRun, checkBins(project), e2e]);
}

// ---------------------------------------------------------------------------------------------
function checkInstalledPackage(name, dir) {
  const pkg = readJson(join(dir, "package.json"));
  check(pkg.license === LICENSE, `${name}: license is ${pkg.license}, not ${LICENSE}`);
  check(
    existsSync(join(dir, "LICENSE")) &&
      readFileSync(join(dir, "LICENSE"), "utf8").includes("Apache License"),
    `${name}: ships LICENSE with the Apache License text`,
  );
  const readme = existsSync(join(dir, "README.md"))
    ? readFileSync(join(dir, "README.md"), "utf8")
    : "";
  if (name in EXPECTED) {
    check(
      readme.includes(`npm install`) && readme.includes(name),
      `${name}: README shows npm install ${name}`,
    );
  }
  check(
    pkg.engines?.node === rootPkg.engines.node,
    `${name}: engines.node ${pkg.engines?.node}, not the root's ${rootPkg.engines.node}`,
  );
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const [dep, spec] of Object.entries(pkg[field] ?? {})) {
      check(!String(spec).startsWith("workspace:"), `${name}: ${field}.${dep} is still ${spec}`);
    }
  }
  const targets = [];
  const walkExports = (node) => {
    if (typeof node === "string") targets.push(node);
    else if (node && typeof node === "object") Object.values(node).forEach(walkExports);
  };
  walkExports(pkg.exports);
  for (const bin of Object.values(pkg.bin ?? {})) targets.push(bin);
  for (const t of targets)
    check(existsSync(join(dir, t)), `${name}: ${t} (exports/bin) is in the package`);
  for (const bin of Object.values(pkg.bin ?? {})) {
    const file = join(dir, bin);
    if (existsSync(file)) {
      check(
        readFileSync(file, "utf8").startsWith("#!/usr/bin/env node"),
        `${name}: ${bin} starts with #!/usr/bin/env node`,
      );
    }
  }
  // Source maps and declaration maps: every source they name must be in the package.
  const maps = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === "node_modules") continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".map")) maps.push(p);
    }
  };
  walk(dir);
  const missing = [];
  for (const m of maps) {
    const map = readJson(m);
    for (const s of map.sources ?? []) {
      const p = resolve(dirname(m), map.sourceRoot ?? "", s);
      if (!existsSync(p)) missing.push(`${m.slice(dir.length + 1)} -> ${s}`);
    }
  }
  check(
    missing.length === 0,
    `${name}: source maps name missing files:\n${missing.slice(0, 5).join("\n")}`,
  );
  if (name === "@thunderagent/swebench") {
    check(
      existsSync(join(dir, "data", "sample.json")),
      `${name}: ships data/sample.json (--subset sample)`,
    );
  }
  if (name === "@thunderagent/proxy") {
    const ui = join(dir, "dist", "ui");
    check(
      existsSync(join(ui, "index.html")) &&
        readdirSync(join(ui, "assets")).some((f) => f.endsWith(".js")),
      `${name}: ships the built dashboard (dist/ui/index.html and its assets; pnpm build)`,
    );
  }
  if (name === "@thunderagent/agent-core") {
    check(existsSync(join(dir, "config", "swebench.yaml")), `${name}: ships config/swebench.yaml`);
  }
}

/** The fenced block after the README's `<!-- consumer-test` comment, or null. */
function readmeExample(dir) {
  const file = join(dir, "README.md");
  if (!existsSync(file)) return null;
  const m = /<!-- consumer-test[^>]*-->\s*(`{3,}|~{3,})[a-z]*\n([\s\S]*?)\n\1/.exec(
    readFileSync(file, "utf8"),
  );
  return m ? `${m[2]}\n` : null;
}

async function typeCheck(project, runnable) {
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const compilerOptions = {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noEmit: true,
    skipLibCheck: false,
  };
  // Every export of every package, plus the README examples.
  const lines = [];
  published.forEach(({ pkg }, i) => {
    for (const sub of Object.keys(pkg.exports ?? {})) {
      const spec = sub === "." ? pkg.name : `${pkg.name}/${sub.slice(2)}`;
      lines.push(
        `import * as m${i}_${lines.length} from "${spec}";`,
        `export const k${i}_${lines.length} = Object.keys(m${i}_${lines.length});`,
      );
    }
  });
  writeFileSync(join(project, "all-exports.ts"), `${lines.join("\n")}\n`);
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: { ...compilerOptions, types: ["node"] },
        files: ["all-exports.ts", ...runnable.map((e) => `readme-${shortName(e.name)}.ts`)],
      },
      null,
      2,
    ),
  );
  // The pure packages without @types/node (types: [] keeps it out unless a .d.ts pulls it in).
  const pure = PURE.map(
    (name, i) => `import * as p${i} from "${name}";\nexport const q${i} = p${i};`,
  );
  writeFileSync(join(project, "pure.ts"), `${pure.join("\n")}\n`);
  writeFileSync(
    join(project, "tsconfig.pure.json"),
    JSON.stringify(
      {
        compilerOptions: { ...compilerOptions, lib: ["ES2022", "DOM"], types: [] },
        files: ["pure.ts"],
      },
      null,
      2,
    ),
  );
  const [all, pureRun] = await Promise.all([
    run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: project, timeoutMs: 600_000 }),
    run(process.execPath, [tsc, "-p", "tsconfig.pure.json"], { cwd: project, timeoutMs: 600_000 }),
  ]);
  log("tsc done");
  check(
    all.code === 0,
    `tsc --noEmit (strict, no skipLibCheck) over every export and README example:\n${tail(all.stdout + all.stderr, 30)}`,
  );
  check(
    pureRun.code === 0,
    `tsc --noEmit of ${PURE.join(", ")} without @types/node (lib ES2022 + DOM):\n${tail(pureRun.stdout + pureRun.stderr, 30)}`,
  );
}

async function checkBins(project) {
  const jobs = [];
  for (const [name, { bins }] of Object.entries(EXPECTED)) {
    const version = readJson(join(project, "node_modules", name, "package.json")).version;
    for (const bin of bins) {
      const file = join(project, "node_modules", ".bin", bin);
      if (!check(existsSync(file), `bin ${bin} is linked in node_modules/.bin`)) continue;
      for (const flag of ["--help", "--version"]) {
        jobs.push(
          limit(() => run(file, [flag], { cwd: project, timeoutMs: 120_000 })).then((r) => {
            const ok =
              r.code === 0 &&
              r.stdout.trim() !== "" &&
              (flag !== "--version" || r.stdout.includes(version));
            check(
              ok,
              `${bin} ${flag}: exit ${r.code}, want 0 and ${flag === "--version" ? `"${version}"` : "a usage text"} on stdout:\n${tail(r.stdout + r.stderr, 8)}`,
            );
          }),
        );
      }
    }
  }
  // The orchestrator plans with the installed bins, not with the monorepo's sources.
  const reproduce = join(project, "node_modules", ".bin", "thunderagent-reproduce");
  jobs.push(
    limit(() =>
      run(reproduce, ["glm4.6", "--simulate", "--dry-run"], { cwd: project, timeoutMs: 120_000 }),
    ).then((r) => {
      const out = r.stdout;
      check(
        r.code === 0,
        `thunderagent-reproduce --dry-run exited ${r.code}:\n${tail(r.stdout + r.stderr)}`,
      );
      const nm = realpathSync(join(project, "node_modules"));
      for (const entry of [
        "@thunderagent/engine-sim/bin/engine-sim.js",
        "@thunderagent/proxy/dist/main.js",
        "@thunderagent/swebench/bin/thunderagent-swebench.js",
      ]) {
        check(
          out.includes(join(nm, entry)),
          `thunderagent-reproduce --dry-run starts ${join(nm, entry)}:\n${tail(out)}`,
        );
      }
      check(
        !/src\/main\.ts|tsx/.test(out),
        `thunderagent-reproduce --dry-run still names sources or tsx:\n${tail(out)}`,
      );
    }),
  );
  await Promise.all(jobs);
}

/** engine-sim (instant) and the runner on the shipped sample, both from their bins. */
async function endToEnd(project) {
  log("end to end: engine-sim + thunderagent-swebench --subset sample --slice 0:1");
  const port = await freePort();
  const engine = spawn(
    join(project, "node_modules", ".bin", "engine-sim"),
    ["--host", "127.0.0.1", "--port", String(port), "--instant", "--served-model-name", "m"],
    { cwd: project, stdio: ["ignore", "pipe", "pipe"] },
  );
  let engineOut = "";
  engine.stdout.on("data", (c) => (engineOut += c));
  engine.stderr.on("data", (c) => (engineOut += c));
  const engineExit = new Promise((r) => engine.on("close", r));
  try {
    let healthy = false;
    for (let i = 0; i < 100 && !healthy && engine.exitCode === null; i++) {
      healthy = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (!healthy) await new Promise((r) => setTimeout(r, 100));
    }
    if (!check(healthy, `engine-sim answered /health:\n${tail(engineOut)}`)) return;
    const out = join(project, "sample-out");
    const runner = await run(
      join(project, "node_modules", ".bin", "thunderagent-swebench"),
      [
        "--subset",
        "sample",
        "--split",
        "test",
        "--slice",
        "0:1",
        "-w",
        "1",
        "-o",
        out,
        "--environment-class",
        "local",
        "--base-url",
        `http://127.0.0.1:${port}/v1`,
        "-m",
        "m",
        "-c",
        "agent.step_limit=10",
      ],
      { cwd: project, timeoutMs: 180_000 },
    );
    log(`end to end: the runner exited ${runner.code}`);
    const preds = existsSync(join(out, "preds.json")) ? readJson(join(out, "preds.json")) : {};
    check(
      runner.code === 0 && Object.keys(preds).length === 1,
      `thunderagent-swebench --subset sample exited ${runner.code} with ${Object.keys(preds).length} predictions:\n${tail(runner.stdout + runner.stderr)}`,
    );
  } finally {
    engine.kill("SIGTERM");
    await engineExit;
  }
}

function finish() {
  const failed = failures.length;
  console.log(`\nconsumer test: ${checks - failed} passed, ${failed} failed (${elapsed()})`);
  process.exit(failed > 0 ? 1 : 0);
}
