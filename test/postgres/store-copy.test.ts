/**
 * `repoclash store copy --from sqlite:FILE --to postgres://…`: a SQLite history moved into an empty
 * PostgreSQL store reads back the same through every query, the copy continues as a store (new
 * snapshots get fresh ids), and a second copy into the now non-empty store is refused, exit 2.
 * PostgreSQL only (test/postgres/ runs in `npm run test:postgres`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/index.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { DnfRepoFacts } from '../../src/store/types.js';
import { repoclash } from '../support/cli.js';
import { REPO_A, REPO_B, meta, put, rec, synthetic } from '../support/store-builders.js';
import { testStoreLocation } from '../support/test-store.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-copy-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const facts: DnfRepoFacts = { obsoletes: [], provides: [{ name: 'kernel', arch: 'x86_64', evr: '6.1-1', provides: ['installonlypkg(kernel)'] }], modules: null };

/** Everything a store answers, for comparing two of them. */
function everything(store: Store) {
  const repos = store.repos().map((r) => r.id);
  return {
    repos: store.repos(),
    snapshots: store.snapshots(),
    versions: store.versionHistory(),
    current: store.currentVersions(),
    winners: store.winnerHistory(),
    winnerInputs: store.winnerInputs('f40'),
    events: store.repoEvents(),
    reports: store.reports(),
    releaseFacts: [...store.releaseFacts()],
    dnfFacts: [...store.dnfFacts(repos)],
    host: [...(store.previousHostState('web1') ?? [])],
    feeds: [...store.feedReleases()],
    feedChecks: [...store.feedChecks()],
    fleetHosts: store.fleetHosts(),
    fleetRisks: store.fleetRisks(),
    fleetPackages: store.fleetPackages('web1'),
    // The audit's name screens (migration 11's tables, copied as rows, not rebuilt).
    screens: {
      rollbacks: store.namesWithLowerLaterVersions(repos).sort(),
      severalVendors: store.namesWithSeveralVendors({ fedora: 'fedora project', grafana: 'grafana labs' }).sort(),
      byHeader: store.namesWithSeveralVendors({ fedora: 'fedora project', grafana: 'grafana labs' }, { repoIds: repos, keyOf: {} }).sort(),
      winnerHolders: store
        .winnerHolders(['f40'], 3)
        .map((h) => `${h.profile}/${h.name}:${h.repoId}:${h.vendor}`)
        .sort(),
    },
  };
}

describe('repoclash store copy', () => {
  it('moves a whole SQLite history into an empty PostgreSQL store, once', async () => {
    const file = path.join(work, 'old.db');
    const old = SqliteStore.open({ path: file });
    old.upsertRepo(REPO_A, 0);
    old.upsertRepo(REPO_B, 0);
    put(old, meta('fedora', 1_000, 'f1'), synthetic(300, 0));
    put(old, meta('fedora', 2_000, 'f2'), synthetic(250, 1));
    const update = old.beginRepoUpdate(meta('grafana', 2_000, 'g1'));
    update.add(rec('grafana', '10.0', '1', { summary: 'tab\there, newline\nthere, backslash \\ and "quotes"', url: null }));
    update.setDnfFacts(facts);
    update.commit();
    old.recordUnchanged('grafana', 'g1', 3_000);
    old.recordRepoEvent({ repoId: 'grafana', at: 3_500, kind: 'failure', message: 'repo grafana: connection refused' });
    // grafana goes back to 9.0 (a rollback), and fedora ships a grafana of its own (two vendors).
    put(old, meta('grafana', 4_000, 'g2'), [rec('grafana', '9.0', '1', { vendor: 'Grafana Labs' })]);
    put(old, meta('fedora', 4_000, 'f2b'), [...synthetic(250, 1), rec('grafana', '11.0', '1', { vendor: 'Fedora Project' })]);
    old.recordWinners('f40', [{ name: 'grafana', repoId: 'grafana', vendor: 'Grafana Labs', evr: '10.0-1' }], 1_500);
    old.recordWinners('f40', [{ name: 'grafana', repoId: 'fedora', vendor: 'Fedora Project', evr: '11.0-1' }], 2_500);
    old.recordWinners('f40', [{ name: 'grafana', repoId: 'grafana', vendor: 'Grafana Labs', evr: '12.0-1' }], 2_600);
    old.setWinnerInputs('f40', 'abc', 2_500);
    old.setReleaseFacts('fedora', { origin: 'Fedora', label: null, archive: 'f40', codename: null, version: '40', notAutomatic: false, butAutomaticUpgrades: false, host: 'mirror.example', components: ['main'] });
    old.saveReport('2025-W07', { findings: [{ kind: 'clash', name: 'grafana' }] }, 4_000);
    old.saveHostState('web1', [{ name: 'grafana', arch: 'x86_64', stranded: true }], 4_000);
    old.recordFeedReleases('npm:left-pad', [{ version: '1.3.0', tag: null, prerelease: false, url: null, publishedAt: 5 }], ['https://example.invalid/left-pad'], 4_000);
    old.recordFeedCheck('github:a/b', 'not-found', 'no such project', 4_100);
    old.saveFleetReport({
      host: 'web1',
      group: 'fedora-40',
      format: 'rpm',
      reportedAt: 4_200,
      repos: ['fedora', 'grafana'],
      installed: [{ name: 'grafana', arch: 'x86_64', evr: '10.0-1', vendor: 'Fedora Project' }],
      risks: [{ name: 'grafana', arch: 'x86_64', kind: 'vendor-change', installedEvr: '10.0-1', installedVendor: 'Fedora Project', installedRepo: 'fedora', targetEvr: '11.0-1', targetVendor: 'Grafana Labs', targetRepo: 'grafana' }],
    });
    const expected = everything(old);
    old.close();
    // The history exercises every screen (an empty one would compare nothing).
    expect(expected.screens).toEqual({
      rollbacks: ['grafana'],
      severalVendors: ['grafana'],
      byHeader: ['grafana'],
      winnerHolders: ['f40/grafana:fedora:Fedora Project', 'f40/grafana:grafana:Grafana Labs'],
    });

    const target = testStoreLocation(path.join(work, 'new'));
    const run = await repoclash(work, ['store', 'copy', '--from', `sqlite:${file}`, '--to', target]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain('version_tracks');

    const copy = Store.open({ path: target });
    expect(everything(copy)).toEqual(expected);
    // The copy goes on as a store: a new snapshot after the copied ones.
    const next = put(copy, meta('fedora', 5_000, 'f3'), synthetic(10, 2));
    expect(next.snapshotId).toBeGreaterThan(Math.max(...expected.snapshots.map((s) => s.id)));
    copy.close();

    const again = await repoclash(work, ['store', 'copy', '--from', `sqlite:${file}`, '--to', target]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/not empty/);
  });
});
