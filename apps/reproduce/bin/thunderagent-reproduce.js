#!/usr/bin/env node
// `thunderagent-reproduce`: the built orchestrator CLI (dist/main.js) under plain Node.
import "../dist/main.js";
