/**
 * Repos stored under what they fetch (run/run-store.ts): a short fixed-length id in the store, the
 * run's own name everywhere else, and histories written before (a repos.yaml repo under its id, a
 * host repo under its full location) taken over once. On the store the suite runs on (SQLite, or
 * PostgreSQL under `npm run test:postgres`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { locationKey, storedRepoId } from '../../src/config/repo-identity.js';
import type { RepoConfig } from '../../src/config/types.js';
import { StoreError } from '../../src/errors.js';
import { RunStore, runStore } from '../../src/run/run-store.js';
import type { Store } from '../../src/store/index.js';
import { debRepo, repoMap, rpmRepo } from '../support/config-builders.js';
import { meta, put, rec } from '../support/store-builders.js';
import { openTestStore } from '../support/test-store.js';

const mirrorA = debRepo('bookworm', { uri: 'http://127.0.0.1:1/debian/', suite: 'bookworm', vendor: 'Debian', role: 'distro' });
const mirrorB = debRepo('bookworm', { uri: 'http://127.0.0.1:2/debian/', suite: 'bookworm', vendor: 'Debian', role: 'distro' });
const DAY = 86_400_000;

const opened: Store[] = [];
function store(): Store {
  const s = openTestStore();
  opened.push(s);
  return s;
}
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

/** One crawl of `repo` through the run's view: its facts, then a snapshot of `versions` of curl. */
function crawl(raw: Store, repo: RepoConfig, at: number, versions: string[]): void {
  const run = runStore(raw, { repos: repoMap(repo) }, true);
  run.upsertRepo({ id: repo.id, vendor: repo.vendor, role: repo.role, format: repo.format }, at);
  put(run, meta(repo.id, at, `sum-${at}`), versions.map((v) => rec('curl', v, '1')));
}

/** What the store holds, by stored id. */
const storedIds = (raw: Store) => raw.repos().map((r) => r.id);

describe('repos identified by what they fetch', () => {
  it('are stored under a short fixed-length id, with the location and the label beside it; the run sees its own name', () => {
    const raw = store();
    crawl(raw, mirrorA, DAY, ['7.88.1']);
    expect(storedIds(raw)).toEqual([storedRepoId(mirrorA)]);
    expect(storedRepoId(mirrorA)).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(raw.repos()[0]).toMatchObject({ location: locationKey(mirrorA), label: 'bookworm' });
    const run = runStore(raw, { repos: repoMap(mirrorA) }, false);
    expect(run.currentVersions(['bookworm']).map((v) => [v.repoId, v.version])).toEqual([['bookworm', '7.88.1']]);
    expect(run.snapshots().map((s) => s.repoId)).toEqual(['bookworm']);
    expect(run.repos().map((r) => r.id)).toEqual(['bookworm']);
  });

  it('two locations under one name keep two histories: neither sees the other, no metadata goes back', () => {
    const raw = store();
    crawl(raw, mirrorA, 2 * DAY, ['7.88.1']);
    // Mirror B's index is older: under one id this would be a snapshot going back in time.
    crawl(raw, mirrorB, DAY, ['7.74.0']);
    expect(storedIds(raw).sort()).toEqual([storedRepoId(mirrorA), storedRepoId(mirrorB)].sort());
    const a = runStore(raw, { repos: repoMap(mirrorA) }, false);
    const b = runStore(raw, { repos: repoMap(mirrorB) }, false);
    expect(a.currentVersions(['bookworm']).map((v) => v.version)).toEqual(['7.88.1']);
    expect(b.currentVersions(['bookworm']).map((v) => v.version)).toEqual(['7.74.0']);
    expect(a.snapshots('bookworm')).toHaveLength(1);
    expect(b.latestSnapshot('bookworm')).toMatchObject({ repoId: 'bookworm', fetchedAt: DAY });
    // A run that does not configure mirror B sees it under its label, told apart by its location.
    expect(a.repos().map((r) => r.id).sort()).toEqual(['bookworm', `bookworm (${locationKey(mirrorB)})`].sort());
  });

  it('a history stored under the config id is adopted once by the first run that meets it; a later run with another location starts its own', () => {
    const raw = store();
    // The layout before: repo_id = the repos.yaml id, no location kept.
    raw.upsertRepo({ id: 'bookworm', vendor: 'Debian', role: 'distro', format: 'deb' }, DAY);
    put(raw, meta('bookworm', DAY, 'old'), [rec('curl', '7.88.1', '1')]);
    raw.recordWinners('bookworm', [{ name: 'curl', repoId: 'bookworm', vendor: 'Debian', evr: '7.88.1-1' }], DAY);

    // Read-only, the old rows are read where they are, and nothing moves.
    const reader = runStore(raw, { repos: repoMap(mirrorA) }, false);
    expect(reader.currentVersions(['bookworm']).map((v) => v.version)).toEqual(['7.88.1']);
    expect(storedIds(raw)).toEqual(['bookworm']);

    crawl(raw, mirrorA, 2 * DAY, ['7.88.1', '7.88.2']);
    expect(storedIds(raw)).toEqual([storedRepoId(mirrorA)]);
    const a = runStore(raw, { repos: repoMap(mirrorA) }, false);
    expect(a.snapshots('bookworm').map((s) => s.fetchedAt)).toEqual([DAY, 2 * DAY]);
    expect(a.winnerHistory('bookworm').map((w) => w.repoId)).toEqual(['bookworm']);
    expect(raw.winnerHistory('bookworm').map((w) => w.repoId)).toEqual([storedRepoId(mirrorA)]);
    expect(raw.repos()[0]).toMatchObject({ location: locationKey(mirrorA), label: 'bookworm' });

    crawl(raw, mirrorB, DAY, ['7.74.0']);
    const b = runStore(raw, { repos: repoMap(mirrorB) }, false);
    expect(b.snapshots('bookworm').map((s) => s.fetchedAt)).toEqual([DAY]);
    expect(b.currentVersions(['bookworm']).map((v) => v.version)).toEqual(['7.74.0']);
    expect(storedIds(raw).sort()).toEqual([storedRepoId(mirrorA), storedRepoId(mirrorB)].sort());
  });

  it("a host repo stored under its full location (the previous scheme) is adopted too; a repo stored by location is never taken", () => {
    const raw = store();
    const section = { ...mirrorA, id: 'apt:127.0.0.1:1/debian:bookworm', label: 'apt:127.0.0.1:1/debian:bookworm' };
    raw.upsertRepo({ id: locationKey(section), vendor: 'Debian', role: 'distro', format: 'deb' }, DAY);
    put(raw, meta(locationKey(section), DAY, 'old'), [rec('curl', '7.88.1', '1')]);
    crawl(raw, section, 2 * DAY, ['7.88.1']);
    expect(storedIds(raw)).toEqual([storedRepoId(section)]);
    expect(runStore(raw, { repos: repoMap(section) }, false).snapshots(section.id)).toHaveLength(2);

    // A repos.yaml repo named like a stored-by-location repo's label is another repo: nothing moves.
    const other = { ...mirrorB, id: section.id };
    crawl(raw, other, 3 * DAY, ['7.74.0']);
    expect(storedIds(raw).sort()).toEqual([storedRepoId(section), storedRepoId(other)].sort());
    expect(runStore(raw, { repos: repoMap(section) }, false).snapshots(section.id)).toHaveLength(2);
  });
});

describe('errors of the store', () => {
  it('name the repo as the run knows it, never by its stored id', () => {
    const raw = store();
    crawl(raw, mirrorA, 2 * DAY, ['7.88.1']);
    const run = runStore(raw, { repos: repoMap(mirrorA) }, true);
    // An index fetched before the last check (a host whose clock is behind another's, one store).
    const thrown: unknown[] = [];
    try {
      put(run, meta('bookworm', DAY, 'older'), [rec('curl', '7.74.0', '1')]);
    } catch (err) {
      thrown.push(err);
    }
    try {
      run.recordUnchanged('bookworm', 'sum-172800000', DAY);
    } catch (err) {
      thrown.push(err);
    }
    expect(thrown).toHaveLength(2);
    for (const err of thrown) {
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).repo).toBe('bookworm');
      expect((err as StoreError).describe()).not.toContain(storedRepoId(mirrorA));
    }
  });
});

describe('every method of the run\'s view', () => {
  /** Methods of RunStore that take or return no repo id (the others are exercised below). */
  const NO_REPO_IDS = [
    'close', 'winnerInputs', 'setWinnerInputs', 'hasRepo', 'renameRepo', 'previousHostState', 'saveHostState', 'saveFleetReport',
    'fleetHosts', 'fleetRisks', 'fleetPackages', 'recordFeedReleases', 'recordFeedCheck', 'feedReleases', 'feedChecks', 'saveReport',
    'reports', 'latestReport',
  ];
  /** Written in the setup below, then checked in the raw store. */
  const WRITES = ['upsertRepo', 'setReleaseFacts', 'recordRepoEvent', 'lockRepo', 'beginRepoUpdate', 'withRepoUpdate', 'recordUnchanged', 'recordWinners', 'copyWinners', 'recordSoleVersionWinners'];
  /** RunStore's own helpers. */
  const HELPERS = ['constructor', 'path', 'to', 'toAll', 'scope', 'named', 'namedKeys'];

  it('takes the run\'s names and gives them back: no stored id goes in or comes out, whichever method (a new method must be added here)', async () => {
    const raw = store();
    const fedora = rpmRepo('fedora', { baseurl: ['http://127.0.0.1:1/fedora/'], vendor: 'Fedora' });
    const updates = rpmRepo('updates', { baseurl: ['http://127.0.0.1:1/updates/'], vendor: 'Other' });
    const run = runStore(raw, { repos: repoMap(fedora, updates, mirrorA) }, true);
    for (const r of [fedora, updates, mirrorA]) run.upsertRepo({ id: r.id, vendor: r.vendor, role: r.role, format: r.format }, DAY);
    run.setReleaseFacts('bookworm', { origin: 'Debian', label: 'Debian', archive: 'stable', codename: 'bookworm', version: '12', notAutomatic: false, butAutomaticUpgrades: false, host: '127.0.0.1', components: ['main'] });
    put(run, meta('fedora', DAY, 'f1'), [rec('curl', '1.0'), rec('curl', '2.0')]);
    const release = await run.lockRepo('fedora');
    await run.withRepoUpdate(meta('fedora', 2 * DAY, 'f2'), (u) => {
      u.addMany([rec('curl', '1.0')]);
      u.setDnfFacts({ obsoletes: [], provides: [{ name: 'curl', arch: 'x86_64', evr: '1.0-1', provides: ['webclient'] }], modules: null });
    });
    release();
    expect(run.recordUnchanged('fedora', 'f2', 3 * DAY)).toBe(true);
    put(run, meta('updates', DAY, 'u1'), [rec('curl', '0.5')]);
    put(run, meta('bookworm', DAY, 'b1'), [rec('curl', '7.88.1')]);
    run.recordRepoEvent({ repoId: 'updates', at: DAY, kind: 'failure', message: 'boom' });
    for (const [at, repoId] of [[DAY, 'fedora'], [2 * DAY, 'updates'], [3 * DAY, 'fedora']] as const) {
      run.recordWinners('p', [{ name: 'curl', repoId, vendor: repoId, evr: '1.0-1' }], at);
    }
    run.copyWinners('p', 'q', 3 * DAY);
    expect(run.currentWinners('q').map((w) => w.repoId)).toEqual(['fedora']);
    // Holders, scope and contested winners go in under the run's names too.
    const anyArch = (...repoIds: string[]) => ({ repoIds, arches: null, excludedArches: [] });
    run.recordSoleVersionWinners('s', { scope: anyArch('bookworm'), holders: [{ repoId: 'bookworm', arch: 'x86_64', vendor: 'Debian' }] }, [], 3 * DAY);
    run.recordSoleVersionWinners('t', { scope: anyArch('fedora', 'updates'), holders: [] }, [{ name: 'curl', repoId: 'updates', vendor: 'Other', evr: '0.5-1' }], 3 * DAY);
    expect([run.currentWinners('s'), run.currentWinners('t')].map((ws) => ws.map((w) => `${w.name} ${w.repoId}`))).toEqual([['curl bookworm'], ['curl updates']]);

    const ids = raw.repos().map((r) => r.id);
    expect(ids.sort()).toEqual([fedora, updates, mirrorA].map(storedRepoId).sort());
    // What went in is under the stored ids only.
    const written = [...raw.repoEvents(), ...raw.snapshots(), ...raw.winnerHistory(), ...raw.currentVersions()].map((r) => r.repoId);
    expect(new Set(written)).toEqual(new Set(ids));
    expect([...raw.releaseFacts().keys()]).toEqual([storedRepoId(mirrorA)]);

    const rpmScope = (repo: string) => ({ repoIds: [repo], arches: null, excludedArches: [] });
    const reads: Record<string, () => unknown> = {
      releaseFacts: () => run.releaseFacts(),
      repos: () => run.repos(),
      repoEvents: () => run.repoEvents({ repoId: 'updates' }),
      currentVersions: () => run.currentVersions(['fedora', 'bookworm']),
      currentVersionParts: () => [...run.currentVersionParts('fedora')],
      hasCurrentVersions: () => run.hasCurrentVersions(rpmScope('updates')),
      namesGoingBack: () => run.namesGoingBack(rpmScope('fedora'), rpmScope('updates')),
      contestedNames: () => run.contestedNames({ ...rpmScope('fedora'), repoIds: ['fedora', 'updates'] }),
      namesWithSeveralVendors: () => run.namesWithSeveralVendors({ fedora: 'a', updates: 'b' }, { repoIds: ['fedora'], keyOf: {} }),
      namesWithLowerLaterVersions: () => run.namesWithLowerLaterVersions(['fedora']),
      rollbackCandidates: () => run.rollbackCandidates(['updates'], ['fedora']),
      namesIn: () => run.namesIn(['updates']),
      versionHistory: () => run.versionHistory(['fedora']),
      snapshots: () => run.snapshots('fedora'),
      latestSnapshot: () => run.latestSnapshot('updates'),
      snapshotsFetchedAfter: () => run.snapshotsFetchedAfter(['fedora'], 0),
      dnfFacts: () => run.dnfFacts(['fedora']),
      debRelations: () => run.debRelations(['bookworm'], ['curl']),
      winnerHistory: () => run.winnerHistory('p'),
      currentWinners: () => run.currentWinners('p'),
      winnerHolders: () => run.winnerHolders(['p'], 2),
      mappingFacts: () => run.mappingFacts(['bookworm']),
    };
    const methods = Object.getOwnPropertyNames(RunStore.prototype).filter((m) => !HELPERS.includes(m) && !NO_REPO_IDS.includes(m) && !WRITES.includes(m));
    expect(methods.sort()).toEqual(Object.keys(reads).sort());

    const plain = (v: unknown): unknown => (v instanceof Map ? [...v.entries()].map(([k, x]) => [k, plain(x)]) : v);
    for (const [method, read] of Object.entries(reads)) {
      const value = plain(read());
      // Something found: the names going in were translated.
      expect([method, value === true || (typeof value === 'number' && value > 0) || (Array.isArray(value) ? value.length > 0 : value !== null)]).toEqual([method, true]);
      const text = JSON.stringify(value);
      expect([method, ids.filter((id) => text.includes(id))]).toEqual([method, []]);
    }
  });
});
