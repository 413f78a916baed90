/**
 * `repoclash store copy --from sqlite:FILE --to postgres://…`: move an existing history from the
 * embedded SQLite store into a new, empty PostgreSQL store. Registration only (options and
 * --help); the work is in store-action.ts, loaded when the command runs.
 */
import type { Command } from 'commander';

export interface CopyOptions {
  from: string;
  to: string;
}

export function registerStore(program: Command): void {
  const store = program.command('store').description('Manage the store itself');
  store
    .command('copy')
    .description('Copy a SQLite store\'s whole history into a new, empty PostgreSQL store (one transaction)')
    .requiredOption('--from <store>', 'the SQLite store: sqlite:FILE or a file path')
    .requiredOption('--to <url>', 'the PostgreSQL store: postgres://USER@HOST[:PORT]/DATABASE[?schema=NAME] (must be empty)')
    .action(async (options: CopyOptions) => {
      const { runCopy } = await import('./store-action.js');
      process.exitCode = runCopy(options);
    });
}
