/**
 * The stored version sort keys (migration 8): written at staging for new rows, filled by the
 * migration for rows stored before it, and recomputed when a repo's format changes — always the
 * key of src/formats/sort-key.ts for the repo's stored format.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { versionScheme } from '../../src/formats/version-scheme.js';
import type { Store } from '../../src/store/index.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { BACK_TO_SCHEMA_13, meta, memoryStore, put, rec, tempDir } from '../support/store-builders.js';
import type { PackageFormat } from '../../src/formats/types.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

type KeyRow = { repo: string; format: PackageFormat; epoch: number; version: string; release: string; key: string | null };
function keyRows(store: Store): KeyRow[] {
  // Present versions and closed intervals (version_closed, migration 14) alike.
  const sql = `SELECT v.repo_id AS repo, r.format, v.epoch, v.version, v.release, v.sort_key AS key
       FROM (SELECT id, repo_id, epoch, version, release, sort_key FROM version_tracks
             UNION ALL SELECT id, repo_id, epoch, version, release, sort_key FROM version_closed) AS v
       JOIN repos AS r ON r.id = v.repo_id ORDER BY v.id`;
  if (store instanceof PostgresStore) return store.db.objects<KeyRow>(sql);
  if (store instanceof SqliteStore) return store.db.prepare<[], KeyRow>(sql).all();
  throw new Error('unknown store kind');
}
const expectedKey = (r: KeyRow) => versionScheme(r.format).sortKey(r);

const RECORDS = [rec('a', '1.0'), rec('b', '2.0~rc1', '3', { epoch: 2 }), rec('c', '1.0^git1', 'fc40'), rec('d', '10.2.1', '0+deb12u1')];

describe('version sort keys in the store', () => {
  it('are written with every new version, in its repo\'s format', () => {
    const store = memoryStore({ id: 'r', vendor: 'R', role: 'distro', format: 'rpm' }, { id: 'd', vendor: 'D', role: 'distro', format: 'deb' });
    put(store, meta('r', 1000, 'r1'), RECORDS);
    put(store, meta('d', 1000, 'd1'), RECORDS);
    const rows = keyRows(store);
    expect(rows).toHaveLength(8);
    for (const row of rows) expect(row.key).toBe(expectedKey(row));
    // The two formats disagree on "1.0^git1" vs "1.0-fc40"-style strings: the key follows the repo.
    expect(rows.find((r) => r.repo === 'r' && r.version === '1.0^git1')!.key).not.toBe(rows.find((r) => r.repo === 'd' && r.version === '1.0^git1')!.key);
    store.close();
  });

  it('are each version\'s own when consecutive records share a version string (the stager reuses the previous key only for the same epoch, version and release)', () => {
    const store = memoryStore({ id: 'd', vendor: 'D', role: 'distro', format: 'deb' });
    const sharing = [
      rec('a', '1.0', '1'),
      rec('b', '1.0', '1'), // the same version: the key is reused
      rec('c', '1.0', '2'), // another revision
      rec('d', '1.0', '2', { epoch: 1 }), // another epoch
      rec('e', '1.1', '2', { epoch: 1 }), // another upstream version
    ];
    put(store, meta('d', 1000, 'd1'), sharing); // a first load
    put(store, meta('d', 2000, 'd2'), [...sharing, rec('f', '1.1', '2', { epoch: 1 }), rec('g', '1.1', '3', { epoch: 1 })]); // a merge
    const rows = keyRows(store);
    expect(rows).toHaveLength(7);
    for (const row of rows) expect(row.key).toBe(expectedKey(row));
    expect(new Set(rows.map((r) => r.key)).size).toBe(5);
    store.close();
  });

  it('are filled by migration 8 for versions stored before it', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = path.join(t.dir, 'old.db');
    const store = SqliteStore.open({ path: file });
    store.upsertRepo({ id: 'd', vendor: 'D', role: 'distro', format: 'deb' }, 0);
    put(store, meta('d', 1000, 'd1'), RECORDS);
    put(store, meta('d', 2000, 'd2'), RECORDS.slice(1)); // a closed interval too
    store.close();
    // Back to schema 7: no sort_key column (nor the later migrations' tables).
    const raw = new Database(file);
    for (const sql of BACK_TO_SCHEMA_13) raw.exec(sql);
    raw.exec('ALTER TABLE repos DROP COLUMN label; ALTER TABLE repos DROP COLUMN location; DROP TABLE version_rollbacks; DROP TABLE past_vendors; DROP TABLE repo_vendors; DROP TABLE winner_handovers; DROP TABLE winner_steps; DROP TABLE deb_relations; DROP TABLE fleet_risks; DROP TABLE fleet_packages; DROP TABLE fleet_hosts; ALTER TABLE version_tracks DROP COLUMN sort_key; DELETE FROM schema_version WHERE version >= 8;');
    raw.close();

    const migrated = SqliteStore.open({ path: file });
    const rows = keyRows(migrated);
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row.key).toBe(expectedKey(row));
    migrated.close();
  });

  it('follow a repo whose format changed', () => {
    const store = memoryStore({ id: 'x', vendor: 'X', role: 'distro', format: 'rpm' });
    put(store, meta('x', 1000, 'x1'), RECORDS);
    store.upsertRepo({ id: 'x', vendor: 'X', role: 'distro', format: 'deb' }, 2000);
    const rows = keyRows(store);
    // Every record's rpm key differs from its deb key, so each row shows whether it was recomputed.
    expect(rows).toHaveLength(4);
    for (const row of rows) expect([row.format, row.key]).toEqual(['deb', expectedKey(row)]);
    store.close();
  });

  it('screen the names whose best version in a repo can have gone back', () => {
    const store = memoryStore({ id: 'r', vendor: 'R', role: 'distro', format: 'rpm' }, { id: 'o', vendor: 'O', role: 'distro', format: 'rpm' });
    const crawls: Array<Record<string, string[]>> = [
      { update: ['1.0'], rolled: ['2.0'], stale: ['1.0'], removed: ['1.0'], elsewhere: ['3.0'] },
      { update: ['2.0'], rolled: ['2.0', '1.0'], stale: ['2.0'], removed: ['1.0'], elsewhere: ['3.0'] },
      // "rolled": 2.0 withdrawn, 1.0 stays; "stale": a stale mirror serves 1.0 again for a week.
      { update: ['3.0'], rolled: ['1.0'], stale: ['1.0'], elsewhere: ['3.0'] },
      { update: ['3.0'], rolled: ['1.0'], stale: ['2.0'], elsewhere: ['3.0'] },
    ];
    crawls.forEach((crawl, week) =>
      put(store, meta('r', 1000 * (week + 1), `r${week}`), Object.entries(crawl).flatMap(([name, versions]) => versions.map((v) => rec(name, v)))),
    );
    // In another repo, "elsewhere" goes back; the screen is per repo.
    put(store, meta('o', 1000, 'o1'), [rec('elsewhere', '2.0')]);
    put(store, meta('o', 2000, 'o2'), [rec('elsewhere', '1.0')]);
    expect(store.namesWithLowerLaterVersions(['r']).sort()).toEqual(['rolled', 'stale']);
    expect(store.namesWithLowerLaterVersions(['r', 'o']).sort()).toEqual(['elsewhere', 'rolled', 'stale']);
    expect(store.namesWithLowerLaterVersions([])).toEqual([]);
    store.close();
  });
});
