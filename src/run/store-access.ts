/**
 * The one place a command opens the store: for a crawl (created and migrated on first use) or for
 * a query, which first checks that there is a store at all — a query must not create an empty one
 * and report "no findings" from it.
 */
import type { Config } from '../config/types.js';
import { hasStoreAt, Store } from '../store/index.js';
import type { RunContext } from './context.js';
import { runStore } from './run-store.js';

/** Where the store is, and (for a run) its repos: given them, the store is seen under the run's names for them (run-store.ts). */
type StoreAccess = Pick<RunContext, 'dbPath' | 'storeAuth'> & { config?: Pick<Config, 'repos'> };

/**
 * Open the run's store, use it, close it, whatever `use` does. Creates and migrates a new store.
 * With the run's config, its repos are read and written under their names in the run, and a
 * writable open adopts their histories stored under older ids.
 */
export async function withStore<T>(run: StoreAccess, use: (store: Store) => T | Promise<T>, options: { readonly?: boolean; aside?: boolean } = {}): Promise<T> {
  const store = Store.open({ path: run.dbPath, ...run.storeAuth, ...(options.readonly ? { readonly: true } : {}), ...(options.aside ? { aside: true } : {}) });
  try {
    return await use(run.config === undefined ? store : runStore(store, run.config, options.readonly !== true));
  } finally {
    store.close();
  }
}

/**
 * withStore() for a query: without a store yet, say so on stderr, with `firstRun` telling how to
 * make one ("run `repoclash crawl` first"), and return undefined: the command exits 3.
 */
export async function queryStore<T>(run: StoreAccess, firstRun: string, use: (store: Store) => T | Promise<T>, options: { readonly?: boolean } = {}): Promise<T | undefined> {
  if (!hasStoreAt(run.dbPath)) {
    process.stderr.write(`repoclash: no store at ${run.dbPath} yet: ${firstRun} first\n`);
    return undefined;
  }
  return withStore(run, use, options);
}

/** The hint when there is no store: crawl first, or (a command with --refresh) refresh this time. */
export function crawlFirst(command?: string): string {
  return command === undefined ? 'run `repoclash crawl`' : `run \`repoclash crawl\` (or ${command} --refresh)`;
}
