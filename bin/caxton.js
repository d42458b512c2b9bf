#!/usr/bin/env node
// The `caxton` command: the headless runtime and tools (see README). Built into dist/cli.js by esbuild.mjs.
require('../dist/cli.js');
