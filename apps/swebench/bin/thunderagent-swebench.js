#!/usr/bin/env node
// `thunderagent-swebench`: the built runner CLI (dist/main.js) under plain Node.
import "../dist/main.js";
