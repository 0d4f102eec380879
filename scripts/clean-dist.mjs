#!/usr/bin/env node
// `node ../../scripts/clean-dist.mjs`: removes the package's dist/ before tsc writes it again, so
// that files whose source was deleted or moved do not linger and get packed (with source maps
// pointing at sources that no longer exist).
import { rmSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
