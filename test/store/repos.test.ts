import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import type { RepoFacts } from '../../src/store/types.js';
import { REPO_A, REPO_B, memoryStore } from '../support/store-builders.js';

describe('repos', () => {
  it('upserts config facts', () => {
    const store = memoryStore(REPO_B, REPO_A);
    store.upsertRepo({ ...REPO_A, vendor: 'Fedora', role: 'upstream' });
    expect(store.repos()).toEqual([{ ...REPO_A, vendor: 'Fedora', role: 'upstream' }, REPO_B]);
  });
  it('refuses an unknown role or format', () => {
    const store = memoryStore();
    expect(() => store.upsertRepo({ ...REPO_A, role: 'mirror' } as unknown as RepoFacts)).toThrow(StoreError);
    expect(() => store.upsertRepo({ ...REPO_A, format: 'apk' } as unknown as RepoFacts)).toThrow(StoreError);
    expect(store.repos()).toEqual([]);
  });
});

describe('repo events', () => {
  it('records failures and rollbacks and filters them', () => {
    const store = memoryStore(REPO_A, REPO_B);
    store.recordRepoEvent({ repoId: 'fedora', at: 10, kind: 'failure', message: 'HTTP 503' });
    store.recordRepoEvent({ repoId: 'grafana', at: 20, kind: 'rollback', message: 'revision 5 < 7' });
    store.recordRepoEvent({ repoId: 'fedora', at: 30, kind: 'rollback', message: 'Date went back' });
    expect(store.repoEvents().map((e) => e.at)).toEqual([10, 20, 30]);
    expect(store.repoEvents({ repoId: 'fedora' }).map((e) => e.message)).toEqual(['HTTP 503', 'Date went back']);
    expect(store.repoEvents({ kind: 'rollback', since: 25 })).toEqual([{ repoId: 'fedora', at: 30, kind: 'rollback', message: 'Date went back' }]);
    expect(() => store.recordRepoEvent({ repoId: 'nope', at: 1, kind: 'failure', message: 'x' })).toThrow(StoreError);
  });
});

describe('reports', () => {
  it('saves findings as JSON and finds the latest report before a week', () => {
    const store = memoryStore();
    store.saveReport('2025-W06', { findings: [{ kind: 'clash', name: 'grafana' }] }, 1);
    store.saveReport('2025-W07', { findings: [] }, 2);
    store.saveReport('2025-W07', { findings: ['rerun'] }, 3);
    expect(store.reports('2025-W07').map((r) => r.findings)).toEqual([{ findings: [] }, { findings: ['rerun'] }]);
    expect(store.latestReport()).toMatchObject({ week: '2025-W07', createdAt: 3, findings: { findings: ['rerun'] } });
    expect(store.latestReport('2025-W07')).toMatchObject({ week: '2025-W06', findings: { findings: [{ kind: 'clash', name: 'grafana' }] } });
    expect(store.latestReport('2025-W01')).toBeNull();
  });
  it('refuses a malformed week and unserialisable findings', () => {
    const store = memoryStore();
    expect(() => store.saveReport('2025-7', {})).toThrow(StoreError);
    expect(() => store.saveReport('2025-W54', {})).toThrow(StoreError);
    expect(() => store.saveReport('2025-W07', undefined)).toThrow(StoreError);
    expect(store.reports()).toEqual([]);
  });
});
