/**
 * The store's public surface: the `Store` interface (./store.ts), the plain data it takes and gives
 * (./types.ts), how to open one, the crawl lock, and repo health. Everything else under src/store/
 * is the two implementations' inside (SQLite here, PostgreSQL in ./postgres/); code outside the
 * store imports from here only.
 *
 * Usage, as the crawler sees it:
 *
 *   const release = await acquireCrawlLock(path, { wait: true, onWait: (h) => log(`waiting for ${h.pid}`) });
 *   const store = Store.open({ path });                 // migrates; default path under $XDG_DATA_HOME
 *   store.upsertRepo({ id, vendor, role, format });
 *   const prev = store.latestSnapshot(id);              // rollback guard: revision / metadataTime / packageCount
 *   if (prev?.indexChecksum === checksum) store.recordUnchanged(id, checksum, Date.now());
 *   else await store.withRepoUpdate(meta, async (u) => { for await (const r of records) u.add(r); });
 *   store.close(); release();
 *
 * The analysis reads plain arrays: currentVersions(), versionHistory(), snapshots(), and records
 * its winners with recordWinners().
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { isPostgresUrl, type PasswordSource } from './postgres/location.js';
import { copySqliteToPostgres } from './postgres/copy.js';
import { PostgresStore } from './postgres/store.js';
import { SqliteStore, type OpenStoreOptions as SqliteOptions } from './sqlite-store.js';
import type { Store as StoreInterface } from './store.js';

/** What every caller holds: the store's operations, whichever database is behind them. */
export type Store = StoreInterface;

export interface OpenStoreOptions extends SqliteOptions, PasswordSource {
  /**
   * Where the store is: a SQLite file (`sqlite:FILE` too; default
   * `$XDG_DATA_HOME/repoclash/repoclash.db`; ":memory:" for tests) or a PostgreSQL URL
   * `postgres://…` (./postgres/). The password fields are for PostgreSQL only.
   */
  path?: string;
}

/** Opening a store: migrates it (or, read-only, requires the current schema). A postgres:// URL opens PostgreSQL. */
export const Store = {
  open(options: OpenStoreOptions = {}): Store {
    const { passwordEnv, passwordFile, ...rest } = options;
    if (rest.path !== undefined && isPostgresUrl(rest.path)) {
      return PostgresStore.open({
        url: rest.path,
        ...(rest.readonly !== undefined && { readonly: rest.readonly }),
        ...(passwordEnv !== undefined && { passwordEnv }),
        ...(passwordFile !== undefined && { passwordFile }),
      });
    }
    return SqliteStore.open({ ...rest, ...(rest.path !== undefined && { path: sqliteFile(rest.path) }) });
  },
};

/** `sqlite:FILE` names a SQLite file explicitly (as `store copy --from` does); a bare path is one too. */
function sqliteFile(location: string): string {
  return location.startsWith('sqlite:') ? location.slice('sqlite:'.length) : location;
}

/** Whether there is a store to read yet: a SQLite file exists; a PostgreSQL server is asked when opened. */
export function hasStoreAt(location: string): boolean {
  return isPostgresUrl(location) || existsSync(sqliteFile(location));
}

/** A --db value or repos.yaml `store.url` as a location: files resolved against the working directory, URLs as given. */
export function resolveStoreLocation(location: string): string {
  if (isPostgresUrl(location) || location === ':memory:') return location;
  return path.resolve(sqliteFile(location));
}

/**
 * Copy the SQLite store at `from` (migrated first) into the new, empty PostgreSQL store at `to`;
 * rows copied per table. A StoreError when `to` is not empty (nothing is written then).
 */
export function copyStore(from: string, to: string, auth: PasswordSource = {}): Record<string, number> {
  const source = SqliteStore.open({ path: sqliteFile(from) });
  try {
    const target = PostgresStore.open({ url: to, ...auth });
    try {
      return copySqliteToPostgres(source, target).rows;
    } finally {
      target.close();
    }
  } finally {
    source.close();
  }
}

export { isPostgresUrl };
export type { RepoUpdater } from './store.js';
export { fillRepoUpdate } from './store.js';
export type * from './types.js';
export { asStoreFailure } from './sqlite-store.js';
export { defaultStorePath, storeFailure } from './db.js';
export { newStoreAside, type NewStoreAside } from './new-store.js';
export { repoHealth, type RepoHealth } from './health.js';
export { acquireCrawlLock, lockPathFor, type AcquireLockOptions, type ReleaseLock } from './lock.js';
export { LockedError, type LockHolder } from './errors.js';
