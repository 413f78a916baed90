#!/usr/bin/env node
import { describeError } from '../errors.js';
import { ExitCode } from './exit-codes.js';
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`repoclash: ${describeError(err)}\n`);
    process.exitCode = ExitCode.usage;
  },
);
