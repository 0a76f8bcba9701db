#!/usr/bin/env node
import { main } from '../dist/cli.js';
import { sanitize } from '../dist/core/sanitize.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`tmon: ${sanitize(err instanceof Error ? err.message : String(err), 2000)}\n`);
    process.exitCode = 1;
  },
);
