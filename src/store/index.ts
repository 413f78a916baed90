/**
 * The store's public surface: the `Store` interface (./store.ts), the plain data it takes and gives
 * (./types.ts), how to open one, the crawl lock, and repo health. Everything else under src/store/
 * is the SQLite implementation's inside; code outside the store imports from here only.
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
import { SqliteStore, type OpenStoreOptions } from './sqlite-store.js';
import type { Store as StoreInterface } from './store.js';

/** What every caller holds: the store's operations, whichever database is behind them. */
export type Store = StoreInterface;

/** Opening a store: migrates it (or, read-only, requires the current schema). */
export const Store = {
  open(options: OpenStoreOptions = {}): Store {
    return SqliteStore.open(options);
  },
};

export type { OpenStoreOptions };
export type { RepoUpdater } from './store.js';
export type * from './types.js';
export { asStoreFailure } from './sqlite-store.js';
export { defaultStorePath, storeFailure } from './db.js';
export { repoHealth, type RepoHealth } from './health.js';
export { acquireCrawlLock, lockPathFor, type AcquireLockOptions, type ReleaseLock } from './lock.js';
export { LockedError, type LockHolder } from './errors.js';
