/**
 * Which store the tests run on. By default SQLite (a file or ":memory:"); with
 * REPOCLASH_TEST_STORE=postgres://… (set by scripts/with-test-postgres.sh, which `.ci/run` uses for
 * its second run) every store a test opens is a fresh schema of that PostgreSQL database, so test
 * files and workers never see each other's rows.
 *
 *   const store = openTestStore(REPO_A);                    // a new empty store
 *   const db = testStoreLocation(path.join(work, 'x.db'));  // for `--db` of a CLI run
 */
import { randomBytes } from 'node:crypto';
import { Store, isPostgresUrl } from '../../src/store/index.js';
import type { RepoFacts } from '../../src/store/types.js';

/** The PostgreSQL URL the suite runs against, or null for SQLite. */
export const TEST_POSTGRES_URL: string | null = (() => {
  const url = process.env['REPOCLASH_TEST_STORE'];
  return url !== undefined && isPostgresUrl(url) ? url : null;
})();

/** A location for a new store: the SQLite `file`, or a fresh schema of the test PostgreSQL database. */
export function testStoreLocation(file: string): string {
  if (TEST_POSTGRES_URL === null) return file;
  const url = new URL(TEST_POSTGRES_URL);
  url.searchParams.set('schema', `t_${process.pid}_${randomBytes(6).toString('hex')}`);
  return url.toString();
}

/** A new empty store (":memory:" on SQLite) with `repos` registered. */
export function openTestStore(...repos: RepoFacts[]): Store {
  const store = Store.open({ path: testStoreLocation(':memory:') });
  for (const r of repos) store.upsertRepo(r, 0);
  return store;
}
