/**
 * deb versions' relationship fields (deb_relations, keyed by the version row's id): written at
 * crawl staging, read back by debRelations(), never rewritten when unchanged, filled in for rows
 * stored before they were kept at the repo's next changed crawl. Runs on either store.
 */
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import type { Store } from '../../src/store/index.js';
import type { DebRelationFields, RepoFacts, VersionRecord } from '../../src/store/types.js';
import { REPO_A, dumpWithWriters, memoryStore, meta, put, rec } from '../support/store-builders.js';

const DEBIAN: RepoFacts = { id: 'debian', vendor: 'Debian', role: 'distro', format: 'deb' };
const T1 = Date.UTC(2025, 0, 1);
const T2 = Date.UTC(2025, 0, 2);
const T3 = Date.UTC(2025, 0, 3);
const T4 = Date.UTC(2025, 0, 4);

const NONE: DebRelationFields = { depends: null, preDepends: null, conflicts: null, breaks: null, provides: null, phasedUpdatePercentage: null, phasedSourceVersion: null };

function deb(name: string, version: string, relations: Partial<DebRelationFields> = {}): VersionRecord {
  return { ...rec(name, version, '1', { arch: 'amd64', vendor: null, buildTime: null }), debRelations: { ...NONE, ...relations } };
}

const NODEJS = { conflicts: 'nodejs-dev, npm', provides: 'nodejs-dev, npm', depends: 'libc6 (>= 2.28), python3-minimal | python3:any', preDepends: 'dpkg (>= 1.15)' };

function execSql(store: Store, sql: string): void {
  if (store instanceof SqliteStore) store.db.exec(sql);
  else if (store instanceof PostgresStore) store.db.exec(sql);
  else throw new Error('unknown store kind');
}

describe('deb relations in the store', () => {
  it('stores each deb version\'s Depends, Pre-Depends, Conflicts, Breaks and Provides as written, and reads them by name', () => {
    const store = memoryStore(DEBIAN);
    put(store, meta('debian', T1, 's1'), [deb('nodejs', '20.1', NODEJS), deb('npm', '9.2', { depends: 'nodejs' }), deb('plain', '1.0')]);
    const got = store.debRelations(['debian'], ['nodejs', 'plain', 'absent']).sort((a, b) => a.name.localeCompare(b.name));
    expect(got).toEqual([
      { repoId: 'debian', name: 'nodejs', arch: 'amd64', evr: '20.1-1', sourceName: 'nodejs-src', fields: { ...NONE, ...NODEJS } },
      // Known to have none (not "unknown").
      { repoId: 'debian', name: 'plain', arch: 'amd64', evr: '1.0-1', sourceName: 'plain-src', fields: NONE },
    ]);
    expect(store.debRelations([], ['nodejs'])).toEqual([]);
  });

  it('a changed crawl rewrites no relation row of a version that stays, and adds the new version\'s', () => {
    const store = memoryStore(DEBIAN);
    put(store, meta('debian', T1, 's1'), [deb('npm', '9.2', { depends: 'nodejs' }), deb('tool', '1.0', { breaks: 'old (<< 1)' })]);
    const before = dumpWithWriters(store, 'deb_relations');
    put(store, meta('debian', T2, 's2'), [deb('npm', '9.2', { depends: 'nodejs' }), deb('tool', '1.0', { breaks: 'old (<< 1)' }), deb('extra', '1.0')]);
    const after = dumpWithWriters(store, 'deb_relations');
    expect(after.slice(0, 2)).toEqual(before);
    expect(after).toHaveLength(3);
    expect(store.debRelations(['debian'], ['extra'])[0]!.fields).toEqual(NONE);
    // A version that leaves and comes back is a new row with its relations as it comes back.
    put(store, meta('debian', T3, 's3'), [deb('tool', '1.0', { breaks: 'old (<< 1)' })]);
    put(store, meta('debian', T4, 's4'), [deb('npm', '9.2', { depends: 'nodejs (>= 18)' }), deb('tool', '1.0', { breaks: 'old (<< 1)' })]);
    expect(store.debRelations(['debian'], ['npm'])[0]!.fields?.depends).toBe('nodejs (>= 18)');
  });

  it('versions stored before relations were kept read as unknown until the next changed crawl (an unchanged one changes nothing)', () => {
    const store = memoryStore(DEBIAN);
    const index = [deb('nodejs', '20.1', NODEJS)];
    put(store, meta('debian', T1, 's1'), index);
    // What a store crawled before this table existed holds: the version rows only.
    execSql(store, 'DELETE FROM deb_relations');
    expect(store.debRelations(['debian'], ['nodejs'])[0]!.fields).toBeNull();
    put(store, meta('debian', T2, 's1'), index);
    expect(store.debRelations(['debian'], ['nodejs'])[0]!.fields).toBeNull();
    put(store, meta('debian', T3, 's2'), [...index, deb('npm', '9.2')]);
    expect(store.debRelations(['debian'], ['nodejs'])[0]!.fields).toEqual({ ...NONE, ...NODEJS });
  });

  it('a version\'s phasing follows each changed crawl while it stays: raised, dropped, and back to none', () => {
    const store = memoryStore(DEBIAN);
    const phased = (percentage: number | null) => deb('sudo', '1.9', { phasedUpdatePercentage: percentage, phasedSourceVersion: percentage === null ? null : '1.9-1' });
    const phasing = () => {
      const [row] = store.debRelations(['debian'], ['sudo']);
      return [row!.fields?.phasedUpdatePercentage, row!.fields?.phasedSourceVersion];
    };
    put(store, meta('debian', T1, 's1'), [phased(10), deb('other', '1.0')]);
    expect(phasing()).toEqual([10, '1.9-1']);
    put(store, meta('debian', T2, 's2'), [phased(40), deb('other', '1.0')]);
    expect(phasing()).toEqual([40, '1.9-1']);
    put(store, meta('debian', T3, 's3'), [phased(null), deb('other', '1.0')]);
    expect(phasing()).toEqual([null, null]);
    put(store, meta('debian', T4, 's4'), [phased(0), deb('other', '1.0')]);
    expect(phasing()).toEqual([0, '1.9-1']);
    // The other version's row was never rewritten: only phasing moves.
    expect(store.debRelations(['debian'], ['other'])[0]!.fields).toEqual(NONE);
  });

  it('rpm repos write no relation rows', () => {
    const store = memoryStore(REPO_A);
    put(store, meta('fedora', T1, 's1'), [rec('bash', '5.2')]);
    expect(dumpWithWriters(store, 'deb_relations')).toEqual([]);
  });
});
