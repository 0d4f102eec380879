#!/usr/bin/env node
// `engine-sim`: the built server CLI (dist/main.js) under plain Node.
import "../dist/main.js";
