/**
 * Which store the tests run on. By default SQLite (a file or ":memory:"); with
 * REPOCLASH_TEST_STORE=postgres://… (set by scripts/with-test-postgres.sh, which `.ci/run` uses for
 * its second run) every store a test opens is a fresh schema of that PostgreSQL database, so test
 * files and workers never see each other's rows.
 *
 *   const store = openTestStore(REPO_A);                    // a new empty store
 *   const db = testStoreLocation(path.join(work, 'x.db'));  // for `--db` of a CLI run
 */
import { createHash, randomBytes } from 'node:crypto';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { Store, copyStore, isPostgresUrl } from '../../src/store/index.js';
import type { RepoFacts } from '../../src/store/types.js';
import { RepoIds, RunStore } from '../../src/run/run-store.js';

/** The PostgreSQL URL the suite runs against, or null for SQLite. */
export const TEST_POSTGRES_URL: string | null = (() => {
  const url = process.env['REPOCLASH_TEST_STORE'];
  return url !== undefined && isPostgresUrl(url) ? url : null;
})();

/**
 * The store at `file`: the file itself on SQLite; on PostgreSQL a schema named after the file's
 * path, so the same path (a test's temp dir) always means the same store and two paths never share
 * one. ":memory:" is a new schema each time, as a new in-memory database is.
 */
export function testStoreLocation(file: string): string {
  // `sqlite:FILE`: a test about SQLite itself (file locks, torn pages) keeps its file either way.
  if (TEST_POSTGRES_URL === null || isPostgresUrl(file) || file.startsWith('sqlite:')) return file;
  const url = new URL(TEST_POSTGRES_URL);
  const key = file === ':memory:' ? randomBytes(12).toString('hex') : createHash('sha256').update(path.resolve(file)).digest('hex').slice(0, 24);
  url.searchParams.set('schema', `t_${key}`);
  return url.toString();
}

/** The options that name a store: `--db`, and `host --report-to`. */
const STORE_OPTIONS = new Set(['--db', '--report-to']);

/** A CLI argument list with every `--db FILE` / `--report-to FILE` pointed at testStoreLocation(FILE). */
export function withTestStore(args: readonly string[]): string[] {
  return args.map((arg, i) => (i > 0 && STORE_OPTIONS.has(args[i - 1]!) ? testStoreLocation(arg) : arg));
}

/** A new empty store (":memory:" on SQLite) with `repos` registered. */
export function openTestStore(...repos: RepoFacts[]): Store {
  const store = Store.open({ path: testStoreLocation(':memory:') });
  for (const r of repos) store.upsertRepo(r, 0);
  return store;
}

/**
 * Start the store at `file` as a copy of a seeded one, on either store: `seedFile` is a SQLite file
 * the test built (crawl with `--db sqlite:FILE`, which stays SQLite in both runs). On SQLite the
 * file is copied; on PostgreSQL the product's own `store copy` moves it into the schema
 * testStoreLocation(file) names — so every case of a test can start from one seeded history.
 */
export async function copyTestStore(seedFile: string, file: string): Promise<void> {
  if (TEST_POSTGRES_URL === null) await copyFile(seedFile, file);
  else copyStore(`sqlite:${seedFile}`, testStoreLocation(file));
}

/**
 * Put the store at `file` back into the layout of stores written before repos were identified by
 * what they fetch: each repo `oldId` names goes back under that id (a repos.yaml id, a host's
 * section name or full location), with no location or label kept.
 */
export function storeAsBeforeLocations(file: string, oldId: (repo: RepoFacts) => string | undefined): void {
  const store = Store.open({ path: testStoreLocation(file) });
  try {
    for (const repo of store.repos()) {
      const old = oldId(repo);
      if (old === undefined) continue;
      store.renameRepo(repo.id, old);
      store.upsertRepo({ id: old, vendor: repo.vendor, role: repo.role, format: repo.format });
    }
  } finally {
    store.close();
  }
}

/**
 * The store at `location` (as given: wrap paths in testStoreLocation first) seen as a run of the
 * config that crawled it sees it: every stored repo under its label (the repos.yaml id, the host's
 * section name), as tests that read a CLI run's store by repo name need. When a test's config gave
 * one name to two locations, the name means the one crawled last (a repo without data: first).
 */
export function openStoreByLabel(options: Parameters<typeof Store.open>[0]): Store {
  const store = Store.open(options);
  const lastCrawl = (id: string) => store.latestSnapshot(id)?.fetchedAt ?? -1;
  const byLabel = new Map<string, string>();
  for (const r of store.repos()) {
    if (r.label === undefined || r.label === null) continue;
    const held = byLabel.get(r.label);
    if (held === undefined || lastCrawl(r.id) > lastCrawl(held)) byLabel.set(r.label, r.id);
  }
  return new RunStore(store, new RepoIds(store, new Map(), byLabel));
}
