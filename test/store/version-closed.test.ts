/**
 * Closed version intervals live in version_closed (migration 14), present versions in
 * version_tracks. Every reader of history must answer what schema 13 answered from version_tracks
 * alone: the oracle here is schema 13's own SQL, run on the same store stepped back to schema 13.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { versionScheme } from '../../src/formats/version-scheme.js';
import { Store } from '../../src/store/index.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { RepoFacts, VersionInterval, VersionRecord } from '../../src/store/types.js';
import { BACK_TO_SCHEMA_13, meta, put, rec, tempDir } from '../support/store-builders.js';
import { testStoreLocation } from '../support/test-store.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

const FEDORA: RepoFacts = { id: 'fedora', vendor: 'Fedora Project', role: 'distro', format: 'rpm' };
const DEBIAN: RepoFacts = { id: 'debian', vendor: 'Debian', role: 'distro', format: 'deb' };
const REPOS = [FEDORA.id, DEBIAN.id];

const relations = (depends: string) => ({ depends, preDepends: null, conflicts: null, breaks: null, provides: null });
const r = (name: string, version: string): VersionRecord => rec(name, version, '1', { summary: `${name} ${version}`, url: `https://example.invalid/${name}` });
const d = (name: string, version: string): VersionRecord => ({ ...r(name, version), debRelations: relations(`libc6, ${name}-data (= ${version})`) });

/**
 * Weekly crawls: two versions of a name opened by one crawl (same first_seen: the id orders them),
 * a version withdrawn while a lower one comes (a rollback), a name gone and back, and in the last
 * crawl the newest row closed while another opens (an id a plain rowid table would hand out twice).
 */
const CRAWLS: Array<{ fedora: VersionRecord[]; debian: VersionRecord[] }> = [
  { fedora: [r('a', '1.0'), r('a', '1.1'), r('b', '2.0'), r('gone', '1.0')], debian: [d('x', '1.0'), d('y', '3.0')] },
  { fedora: [r('a', '1.1'), r('b', '1.0')], debian: [d('x', '1.1'), d('y', '3.0')] },
  { fedora: [r('a', '1.2'), r('b', '1.0'), r('gone', '1.0')], debian: [d('x', '1.1'), d('y', '2.0'), d('z', '1.0')] },
  { fedora: [r('a', '1.2'), r('b', '2.0'), r('gone', '1.0')], debian: [d('x', '1.2'), d('y', '2.0')] },
  // x 1.2 is the newest row of all when it closes here.
  { fedora: [r('a', '1.2'), r('b', '2.0'), r('gone', '1.0')], debian: [d('x', '1.3'), d('y', '2.0')] },
];

function crawl(store: Store): void {
  CRAWLS.forEach((c, week) => {
    put(store, meta(FEDORA.id, 2000 * week + 1000, `f${week}`), c.fedora);
    put(store, meta(DEBIAN.id, 2000 * week + 2000, `d${week}`), c.debian);
  });
}

type Row = Record<string, unknown>;
function rows(store: Store, sql: string): Row[] {
  if (store instanceof PostgresStore) return store.db.objects<Row>(sql);
  if (store instanceof SqliteStore) return store.db.prepare<[], Row>(sql).all();
  throw new Error('unknown store kind');
}

const byHistoryOrder = (a: Row, b: Row): number => {
  for (const k of ['repo_id', 'name', 'arch', 'first_seen', 'id']) {
    const x = a[k] as string | number;
    const y = b[k] as string | number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
};

/** What schema 13's readers answered, from its one table of intervals (closed ones without text). */
function schema13Answers(store: Store) {
  const history = rows(store, 'SELECT * FROM version_tracks').sort(byHistoryOrder);
  const lastCheck = new Map(rows(store, 'SELECT repo_id, max(checked_at) AS at FROM snapshots GROUP BY repo_id').map((s) => [s['repo_id'], Number(s['at'])]));
  const interval = (v: Row): VersionInterval => ({
    repoId: v['repo_id'] as string,
    name: v['name'] as string,
    arch: v['arch'] as string,
    epoch: Number(v['epoch']),
    version: v['version'] as string,
    release: v['release'] as string,
    evr: v['evr'] as string,
    vendor: v['vendor'] as string | null,
    sourceName: v['source_name'] as string | null,
    url: v['url'] as string | null,
    summary: v['summary'] as string | null,
    buildTime: v['build_time'] === null ? null : Number(v['build_time']),
    firstSeen: Number(v['first_seen']),
    lastSeen: v['last_seen'] === null ? null : Number(v['last_seen']),
    presentUntil: v['last_seen'] === null ? lastCheck.get(v['repo_id'])! : Number(v['last_seen']),
  });
  const light = (iv: VersionInterval): VersionInterval => ({ ...iv, vendor: null, sourceName: null, url: null, summary: null, buildTime: null });
  const keyed = new Set(rows(store, `SELECT repo_id, name FROM version_rollbacks WHERE repo_id = 'fedora'`).map((p) => `${p['repo_id']}/${p['name']}`));
  const unkeyed = new Set(history.filter((v) => v['repo_id'] === 'debian' && v['last_seen'] !== null).map((v) => `${v['repo_id']}/${v['name']}`));
  return {
    ids: history.map((v) => Number(v['id'])),
    history: history.map(interval),
    byName: history.filter((v) => v['name'] === 'a' || v['name'] === 'y').map(interval),
    rollbacks: history.filter((v) => keyed.has(`${v['repo_id']}/${v['name']}`) || unkeyed.has(`${v['repo_id']}/${v['name']}`)).map((v) => light(interval(v))),
    names: [...new Set(history.filter((v) => v['repo_id'] === 'debian').map((v) => v['name'] as string))].sort(),
  };
}

function answers(store: Store) {
  return {
    ids: rows(store, 'SELECT id, repo_id, name, arch, first_seen FROM version_tracks UNION ALL SELECT id, repo_id, name, arch, first_seen FROM version_closed')
      .sort(byHistoryOrder)
      .map((v) => Number(v['id'])),
    history: store.versionHistory(),
    byName: store.versionHistory(undefined, ['a', 'y']),
    rollbacks: store.rollbackCandidates(['fedora'], ['debian']),
    names: store.namesIn(['debian']).sort(),
  };
}

function stepBack(store: Store): void {
  if (store instanceof PostgresStore) for (const sql of BACK_TO_SCHEMA_13) store.db.rows(sql);
  else if (store instanceof SqliteStore) for (const sql of BACK_TO_SCHEMA_13) store.db.exec(sql);
}

describe('closed version intervals (version_closed)', () => {
  it('are read by every history reader as schema 13 read them from version_tracks, and migration 14 moves them there (either store)', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = path.join(t.dir, 'closed.db');
    const location = testStoreLocation(file);
    const store = Store.open({ path: location });
    for (const repo of [FEDORA, DEBIAN]) store.upsertRepo(repo, 0);
    crawl(store);
    // Present versions only in version_tracks; a closed version's relations went with it.
    expect(Number(rows(store, 'SELECT count(*) AS n FROM version_tracks WHERE last_seen IS NOT NULL')[0]!['n'])).toBe(0);
    expect(rows(store, 'SELECT version_id FROM deb_relations WHERE version_id NOT IN (SELECT id FROM version_tracks)')).toEqual([]);
    const relationsBefore = store.debRelations([DEBIAN.id], ['x', 'y', 'z']);
    expect(relationsBefore.map((rel) => rel.fields?.depends)).toEqual(['libc6, x-data (= 1.3)', 'libc6, y-data (= 2.0)']);
    const now = answers(store);
    // Every id once over both tables: none handed out again after its row moved.
    expect(new Set(now.ids).size).toBe(now.ids.length);
    expect(now.history.filter((iv) => iv.lastSeen !== null)).toHaveLength(10);

    stepBack(store);
    const old = schema13Answers(store);
    store.close();
    expect(now).toEqual(old);

    // Migration 14 from that schema-13 store: the same answers, the same ids, the same relations.
    const migrated = Store.open({ path: location });
    cleanups.push(() => migrated.close());
    expect(answers(migrated)).toEqual(now);
    expect(migrated.debRelations([DEBIAN.id], ['x', 'y', 'z'])).toEqual(relationsBefore);
    expect(Number(rows(migrated, 'SELECT count(*) AS n FROM version_tracks WHERE last_seen IS NOT NULL')[0]!['n'])).toBe(0);
    // And crawling goes on from it: closing the newest row again, the new version takes an id no
    // closed interval holds.
    put(migrated, meta(DEBIAN.id, 20000, 'd9'), [d('x', '1.4'), d('y', '2.0')]);
    const after = answers(migrated);
    expect(new Set(after.ids).size).toBe(after.ids.length);
    expect(after.history.filter((iv) => iv.lastSeen !== null)).toHaveLength(11);
  });

  it('get sort keys in their repo\'s new format when it changes', () => {
    const store = Store.open({ path: testStoreLocation(':memory:') });
    cleanups.push(() => store.close());
    store.upsertRepo(FEDORA, 0);
    put(store, meta(FEDORA.id, 1000, 'f1'), [r('k', '1_1'), r('k', '1.0^git1')]);
    put(store, meta(FEDORA.id, 2000, 'f2'), [r('k', '1.0^git1')]);
    store.upsertRepo({ ...FEDORA, format: 'deb' }, 3000);
    const closed = rows(store, 'SELECT epoch, version, release, sort_key FROM version_closed');
    expect(closed).toHaveLength(1);
    for (const row of closed) {
      const key = versionScheme('deb').sortKey({ epoch: Number(row['epoch']), version: row['version'] as string, release: row['release'] as string });
      expect(row['sort_key']).toBe(key);
      expect(key).not.toBe(versionScheme('rpm').sortKey({ epoch: Number(row['epoch']), version: row['version'] as string, release: row['release'] as string }));
    }
  });
});
