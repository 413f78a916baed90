import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { currentVersionsSql, versionHistoryParams, versionHistorySql } from '../../src/store/queries.js';
import type { RepoFacts } from '../../src/store/types.js';
import { REPO_A, REPO_B, memoryStore, meta, put, rec } from '../support/store-builders.js';

const REPO_C: RepoFacts = { id: 'debian', vendor: 'Debian', role: 'distro', format: 'deb' };
const T1 = 1_000_000;
const T2 = 2_000_000;

function seeded(store = memoryStore(REPO_A, REPO_B, REPO_C)) {
  put(store, meta('fedora', T1, 'f1'), [rec('zsh', '5.9'), rec('bash', '5.2'), rec('grafana', '9.0')]);
  put(store, meta('grafana', T1, 'g1'), [rec('grafana', '10.0')]);
  put(store, meta('grafana', T2, 'g2'), [rec('grafana', '11.0')]);
  return store;
}

describe('currentVersions', () => {
  it('returns every present version ordered by repo, name', () => {
    const got = seeded().currentVersions().map((v) => `${v.repoId}/${v.name}-${v.version}`);
    expect(got).toEqual(['fedora/bash-5.2', 'fedora/grafana-9.0', 'fedora/zsh-5.9', 'grafana/grafana-11.0']);
  });
  it('filters by repo; an empty list or unknown repo gives nothing', () => {
    const store = seeded();
    expect(store.currentVersions(['grafana']).map((v) => v.version)).toEqual(['11.0']);
    expect(store.currentVersions(['grafana', 'fedora'])).toHaveLength(4);
    expect(store.currentVersions([])).toEqual([]);
    expect(store.currentVersions(['debian', 'nope'])).toEqual([]);
  });
});

describe('versionHistory', () => {
  it('filters by repos and names, closed and open intervals alike', () => {
    const store = seeded();
    expect(store.versionHistory(undefined, ['grafana']).map((h) => `${h.repoId}:${h.version}:${h.lastSeen}:${h.presentUntil}`)).toEqual([
      `fedora:9.0:null:${T1}`,
      `grafana:10.0:${T1}:${T1}`,
      `grafana:11.0:null:${T2}`,
    ]);
    expect(store.versionHistory(['grafana'], ['grafana'])).toHaveLength(2);
    expect(store.versionHistory(['fedora'], ['bash', 'zsh']).map((h) => h.name)).toEqual(['bash', 'zsh']);
    expect(store.versionHistory(undefined, [])).toEqual([]);
    expect(store.versionHistory()).toHaveLength(5);
  });
});

describe('snapshots', () => {
  it('lists snapshots oldest first and gives the latest for the rollback guard', () => {
    const store = seeded();
    expect(store.latestSnapshot('debian')).toBeNull();
    expect(store.snapshots('grafana').map((s) => s.indexChecksum)).toEqual(['g1', 'g2']);
    expect(store.snapshots().map((s) => `${s.repoId}:${s.indexChecksum}`)).toEqual(['fedora:f1', 'grafana:g1', 'grafana:g2']);
    expect(store.latestSnapshot('grafana')).toMatchObject({ fetchedAt: T2, revision: String(T2 / 1000), metadataTime: T2 / 1000, packageCount: 1 });
  });
});

// SQLite's planner, whatever store the suite runs on (PostgreSQL plans its own way).
describe('query plans (SQLite)', () => {
  function plan(sql: string, params: string[]): string[] {
    const sqlite = SqliteStore.open({ path: ':memory:' });
    for (const repo of [REPO_A, REPO_B, REPO_C]) sqlite.upsertRepo(repo, 0);
    seeded(sqlite);
    return sqlite
      .db.prepare<string[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...params)
      .map((r) => r.detail);
  }
  const usesIndex = (steps: string[], index: string) => steps.some((s) => s.includes(`USING INDEX ${index}`));
  const scansTable = (steps: string[]) => steps.some((s) => /^SCAN v$/.test(s));
  const sorts = (steps: string[]) => steps.some((s) => s.includes('TEMP B-TREE'));

  it('currentVersions walks the open-interval index in order, with or without a repo filter', () => {
    for (const steps of [plan(currentVersionsSql(false), []), plan(currentVersionsSql(true), ['["fedora"]'])]) {
      expect(usesIndex(steps, 'version_tracks_open')).toBe(true);
      expect(scansTable(steps)).toBe(false);
      expect(sorts(steps)).toBe(false);
    }
  });

  it('versionHistory walks the history index in order; a names filter uses the name index', () => {
    const all = plan(versionHistorySql(false, false), []);
    expect(usesIndex(all, 'version_tracks_history')).toBe(true);
    expect(sorts(all)).toBe(false);
    const byRepo = plan(versionHistorySql(true, false), versionHistoryParams(['["fedora"]']));
    expect(usesIndex(byRepo, 'version_tracks_history')).toBe(true);
    const byName = plan(versionHistorySql(false, true), versionHistoryParams(['["bash"]']));
    expect(byName.some((s) => /USING INDEX version_tracks_(name|history)/.test(s))).toBe(true);
    expect(scansTable(byName)).toBe(false);
  });
});
