/**
 * `repoclash store copy`'s work (registered in store.ts; loaded when the command runs, as it opens
 * both stores): move an existing history from the embedded SQLite store into a new, empty
 * PostgreSQL store (one transaction; see src/store/postgres/copy.ts). Prints the rows copied per table.
 */
import { UsageError } from '../errors.js';
import { copyStore, hasStoreAt, isPostgresUrl, resolveStoreLocation } from '../store/index.js';
import { ExitCode } from './exit-codes.js';
import type { CopyOptions } from './store.js';

export function runCopy(options: CopyOptions): number {
  const from = resolveStoreLocation(options.from);
  if (isPostgresUrl(from)) throw new UsageError('store copy --from takes a SQLite store (sqlite:FILE or a file path)');
  if (!isPostgresUrl(options.to)) throw new UsageError('store copy --to takes a PostgreSQL store (postgres://…)');
  if (!hasStoreAt(from)) throw new UsageError(`store copy --from ${options.from}: no such store`);
  // The source is opened writable: an older store is migrated first, so both sides have the same tables.
  const rows = copyStore(from, options.to);
  const total = Object.values(rows).reduce((a, b) => a + b, 0);
  process.stdout.write(`copied ${total} rows from ${from} to ${options.to}\n`);
  for (const [table, n] of Object.entries(rows)) process.stdout.write(`  ${table.padEnd(20)} ${n}\n`);
  return ExitCode.ok;
}
