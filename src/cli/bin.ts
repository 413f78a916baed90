#!/usr/bin/env node
import { describeError } from '../errors.js';
import { exitCodeFor } from './exit-codes.js';
import { main } from './main.js';

// A reader that stops early (`repoclash audit --all | head -1`) closes the pipe: the rest of the
// output has nowhere to go, which is not an error. Drop it and let the command finish, so the exit
// code is the one it would have had. Handled here, once, for every command and both streams.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') return;
    throw err;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`repoclash: ${describeError(err)}\n`);
    process.exitCode = exitCodeFor(err);
  },
);
