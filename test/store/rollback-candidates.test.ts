/**
 * rollbackCandidates: the light history of the (repo, name) pairs whose best version may have gone
 * back (what the audit judges its rollbacks on). Pairs, not names: a name that went back in one
 * repo is not read in another; in a repo whose keys cannot be trusted, every name with a version
 * gone. On whichever store the suite runs on (SQLite, or PostgreSQL with REPOCLASH_TEST_STORE).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { observedRollbacks } from '../../src/analysis/rollback.js';
import type { Store, VersionInterval } from '../../src/store/index.js';
import type { VersionRecord } from '../../src/store/types.js';
import { memoryStore, meta, put, rec } from '../support/store-builders.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5);
const REPOS = ['fedora', 'third'];

const stores: Store[] = [];
afterEach(() => {
  while (stores.length) stores.pop()!.close();
});

const noarch = (name: string, version: string): VersionRecord => rec(name, version, '1', { arch: 'noarch' });

/**
 * fedora: x goes 1.0 → 1.1 → back to 1.0 (two arches), y is updated 1.0 → 2.0, w never changes.
 * third: x 2.0 all along (never back there), z goes 1.0 → 0.9.
 */
function seeded(): Store {
  const store = memoryStore(
    { id: 'fedora', vendor: 'Fedora Project', role: 'distro', format: 'rpm' },
    { id: 'third', vendor: 'Third Inc', role: 'third-party', format: 'rpm' },
  );
  stores.push(store);
  const crawls: Array<Record<string, VersionRecord[]>> = [
    { fedora: [rec('x', '1.0'), noarch('x', '1.0'), rec('y', '1.0'), rec('w', '1.0')], third: [rec('x', '2.0'), rec('z', '1.0')] },
    { fedora: [rec('x', '1.1'), noarch('x', '1.1'), rec('y', '2.0'), rec('w', '1.0')], third: [rec('x', '2.0'), rec('z', '0.9')] },
    { fedora: [rec('x', '1.0'), noarch('x', '1.0'), rec('y', '2.0'), rec('w', '1.0')], third: [rec('x', '2.0'), rec('z', '0.9')] },
  ];
  crawls.forEach((repos, week) => {
    for (const [id, records] of Object.entries(repos)) put(store, meta(id, T0 + week * 7 * DAY, `${id}-${week}`), records);
  });
  return store;
}

/** versionHistory() of the given pairs, as rollbackCandidates gives them (no text, no build time). */
function lightHistoryOf(store: Store, pairs: readonly string[]): VersionInterval[] {
  return store
    .versionHistory(REPOS)
    .filter((iv) => pairs.includes(`${iv.repoId} ${iv.name}`))
    .map((iv) => ({ ...iv, vendor: null, sourceName: null, url: null, summary: null, buildTime: null }));
}

describe('rollbackCandidates', () => {
  it('reads the pairs the rollback screen holds, in history order, and no other repo of the same name', () => {
    const store = seeded();
    const candidates = store.rollbackCandidates(REPOS, []);
    expect([...new Set(candidates.map((iv) => `${iv.repoId} ${iv.name}`))]).toEqual(['fedora x', 'third z']);
    expect(candidates).toEqual(lightHistoryOf(store, ['fedora x', 'third z']));
    // What the audit relies on: judged on these rows, the rollbacks are those of the whole history.
    const rollbacks = observedRollbacks(candidates, () => 'rpm');
    expect(rollbacks.map((p) => `${p.repoId} ${p.name} ${p.lost} → ${p.best}`)).toEqual(['fedora x 1.1-1 → 1.0-1', 'third z 1.0-1 → 0.9-1']);
    expect(rollbacks).toEqual(observedRollbacks(store.versionHistory(REPOS), () => 'rpm'));
  });

  it('reads every name with a version gone in an unkeyed repo, beside the keyed repos’ pairs', () => {
    const store = seeded();
    expect(store.rollbackCandidates([], ['fedora'])).toEqual(lightHistoryOf(store, ['fedora x', 'fedora y']));
    expect(store.rollbackCandidates(['third'], ['fedora'])).toEqual(lightHistoryOf(store, ['fedora x', 'fedora y', 'third z']));
    expect(store.rollbackCandidates(['fedora'], [])).toEqual(lightHistoryOf(store, ['fedora x']));
    expect(store.rollbackCandidates([], [])).toEqual([]);
  });
});
