#!/usr/bin/env node
// The `medfiles` command (package.json `bin`). It lives outside dist/ so that `npm install` in a fresh clone,
// before the first build, still links it (npm skips bins whose file is missing); dist/cli.js is the command.
import '../dist/cli.js';
