import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { DnfRepoFacts, VersionRecord } from '../../src/store/types.js';
import { REPO_A, REPO_B, dump, dumpWithWriters, memoryStore, meta, put, rec, stagingRows, synthetic, totalChanges } from '../support/store-builders.js';

const T1 = Date.UTC(2025, 0, 1);
const T2 = Date.UTC(2025, 0, 2);
const T3 = Date.UTC(2025, 0, 3);
const T4 = Date.UTC(2025, 0, 4);

describe('first snapshot', () => {
  it('stores the snapshot and every version as an open interval', () => {
    const store = memoryStore(REPO_A);
    const result = put(store, meta('fedora', T1, 'sum1', { status: 'ok' }), [rec('bash', '5.2'), rec('curl', '8.6')]);
    expect(result).toMatchObject({ unchanged: false, packageCount: 2, added: 2, removed: 0 });

    expect(store.latestSnapshot('fedora')).toEqual({
      id: result.snapshotId,
      repoId: 'fedora',
      fetchedAt: T1,
      checkedAt: T1,
      checkCount: 1,
      revision: String(T1 / 1000),
      metadataTime: T1 / 1000,
      indexChecksum: 'sum1',
      packageCount: 2,
      status: 'ok',
    });
    const current = store.currentVersions();
    expect(current).toEqual([
      { ...rec('bash', '5.2'), repoId: 'fedora', firstSeen: T1 },
      { ...rec('curl', '8.6'), repoId: 'fedora', firstSeen: T1 },
    ]);
    expect(stagingRows(store)).toBe(0);
  });

  it('keeps nulls and epochs as given', () => {
    const store = memoryStore(REPO_A);
    const bare: VersionRecord = { ...rec('tzdata', '2024a', '', { epoch: 2 }), vendor: null, sourceName: null, url: null, summary: null, buildTime: null };
    put(store, meta('fedora', T1, 's'), [bare]);
    expect(store.currentVersions()[0]).toEqual({ ...bare, repoId: 'fedora', firstSeen: T1 });
  });

  it('stores a name/arch/EVR listed twice in one index once', () => {
    const store = memoryStore(REPO_A);
    const result = put(store, meta('fedora', T1, 's'), [rec('bash', '5.2'), rec('bash', '5.2'), rec('bash', '5.1')]);
    expect(result.packageCount).toBe(3);
    expect(store.currentVersions().map((v) => v.version)).toEqual(['5.1', '5.2']);
  });

  it('refuses data for a repo nobody registered', () => {
    const store = memoryStore(REPO_A);
    expect(() => store.beginRepoUpdate(meta('nope', T1, 's'))).toThrow(StoreError);
  });
});

describe('unchanged index', () => {
  it('same checksum through a full update writes no version row, only the check', () => {
    const store = memoryStore(REPO_A);
    put(store, meta('fedora', T1, 'sum1'), synthetic(500));
    const tracksBefore = dumpWithWriters(store, 'version_tracks');
    const changesBefore = totalChanges(store);

    const result = put(store, meta('fedora', T2, 'sum1'), synthetic(500));
    expect(result).toMatchObject({ unchanged: true, added: 0, removed: 0, refreshed: 0 });
    expect(dumpWithWriters(store, 'version_tracks')).toEqual(tracksBefore);
    // Main-database changes: total_changes also counts the 500 staged rows and their deletion (temp)
    // plus the one snapshot row touched; no version_tracks row may be among them.
    const changesAfter = totalChanges(store);
    if (changesBefore !== null) expect(changesAfter! - changesBefore).toBe(500 + 500 + 1);
    expect(store.snapshots('fedora')).toHaveLength(1);
    expect(store.latestSnapshot('fedora')).toMatchObject({ fetchedAt: T1, checkedAt: T2, checkCount: 2 });
    expect(stagingRows(store)).toBe(0);
  });

  it('recordUnchanged touches only the snapshot, and refuses a different checksum', () => {
    const store = memoryStore(REPO_A);
    put(store, meta('fedora', T1, 'sum1'), synthetic(50));
    const tracksBefore = dumpWithWriters(store, 'version_tracks');
    const changesBefore = totalChanges(store);
    expect(store.recordUnchanged('fedora', 'sum1', T2)).toBe(true);
    if (changesBefore !== null) expect(totalChanges(store)! - changesBefore).toBe(1);
    expect(dumpWithWriters(store, 'version_tracks')).toEqual(tracksBefore);
    expect(store.latestSnapshot('fedora')).toMatchObject({ checkedAt: T2, checkCount: 2 });

    expect(store.recordUnchanged('fedora', 'other', T3)).toBe(false);
    expect(store.recordUnchanged('grafana', 'sum1', T3)).toBe(false);
    expect(store.latestSnapshot('fedora')).toMatchObject({ checkedAt: T2, checkCount: 2 });
  });
});

describe('changed index', () => {
  it('opens new versions, closes vanished ones at their last check, and reopens a returning one', () => {
    const store = memoryStore(REPO_A);
    put(store, meta('fedora', T1, 's1'), [rec('bash', '5.1'), rec('curl', '8.5'), rec('zsh', '5.9')]);
    expect(store.recordUnchanged('fedora', 's1', T2)).toBe(true);

    // T3: bash 5.1 → 5.2, zsh gone, curl unchanged.
    const r3 = put(store, meta('fedora', T3, 's3'), [rec('bash', '5.2'), rec('curl', '8.5')]);
    expect(r3).toMatchObject({ unchanged: false, added: 1, removed: 2, packageCount: 2 });
    expect(store.currentVersions().map((v) => `${v.name}-${v.version}@${v.firstSeen}`)).toEqual([
      `bash-5.2@${T3}`,
      `curl-8.5@${T1}`,
    ]);

    // T4: zsh 5.9 is back (same EVR): a new interval, the old one stays closed.
    put(store, meta('fedora', T4, 's4'), [rec('bash', '5.2'), rec('curl', '8.5'), rec('zsh', '5.9')]);
    const history = store.versionHistory(['fedora']);
    const brief = history.map((h) => [h.name, h.version, h.firstSeen, h.lastSeen, h.presentUntil]);
    expect(brief).toEqual([
      ['bash', '5.1', T1, T2, T2], // last seen at the unchanged check T2, not at T1
      ['bash', '5.2', T3, null, T4],
      ['curl', '8.5', T1, null, T4],
      ['zsh', '5.9', T1, T2, T2],
      ['zsh', '5.9', T4, null, T4],
    ]);
    expect(store.snapshots('fedora').map((s) => s.indexChecksum)).toEqual(['s1', 's3', 's4']);
  });

  it('refreshes the metadata of a present version in place without a new interval', () => {
    const store = memoryStore(REPO_A);
    put(store, meta('fedora', T1, 's1'), [rec('bash', '5.2')]);
    const r = put(store, meta('fedora', T2, 's2'), [rec('bash', '5.2', '1', { url: 'https://new.invalid/', buildTime: 42 })]);
    expect(r).toMatchObject({ added: 0, removed: 0, refreshed: 1 });
    const history = store.versionHistory();
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ url: 'https://new.invalid/', buildTime: 42, firstSeen: T1, lastSeen: null });
  });

  it('keeps repos apart: an update of one never closes another repo’s versions', () => {
    const store = memoryStore(REPO_A, REPO_B);
    put(store, meta('fedora', T1, 'a1'), [rec('grafana', '9.0')]);
    put(store, meta('grafana', T1, 'b1'), [rec('grafana', '11.0')]);
    put(store, meta('fedora', T2, 'a2'), []);
    expect(store.currentVersions().map((v) => `${v.repoId}:${v.version}`)).toEqual(['grafana:11.0']);
    expect(store.currentVersions(['fedora'])).toEqual([]);
  });
});

describe('failed updates leave the stored data untouched', () => {
  function seeded() {
    const store = memoryStore(REPO_A);
    put(store, meta('fedora', T1, 's1'), synthetic(300));
    return { store, tracks: dumpWithWriters(store, 'version_tracks'), snaps: dumpWithWriters(store, 'snapshots') };
  }

  it('a throw in the middle of the stream (after batches were staged)', async () => {
    const { store, tracks, snaps } = seeded();
    let staged = 0;
    await expect(
      store.withRepoUpdate(meta('fedora', T2, 's2'), async (u) => {
        for (const r of synthetic(20_000, 1)) {
          u.add(r);
          if (u.recordCount === 12_000) {
            staged = stagingRows(store);
            await Promise.resolve();
            throw new Error('parse error at byte 4711');
          }
        }
      }),
    ).rejects.toThrow('parse error at byte 4711');
    expect(staged).toBeGreaterThanOrEqual(10_000); // batches had reached staging
    expect(dumpWithWriters(store, 'version_tracks')).toEqual(tracks);
    expect(dumpWithWriters(store, 'snapshots')).toEqual(snaps);
    expect(stagingRows(store)).toBe(0);
  });

  it('an abandoned (aborted) update', () => {
    const { store, tracks, snaps } = seeded();
    const u = store.beginRepoUpdate(meta('fedora', T2, 's2'), 100);
    u.addMany(synthetic(1000, 1));
    u.abort();
    u.abort();
    expect(() => u.add(rec('x', '1'))).toThrow(StoreError);
    expect(() => u.commit()).toThrow(StoreError);
    expect(dumpWithWriters(store, 'version_tracks')).toEqual(tracks);
    expect(dumpWithWriters(store, 'snapshots')).toEqual(snaps);
    expect(stagingRows(store)).toBe(0);
  });

  it('a record the schema rejects', () => {
    const { store, tracks, snaps } = seeded();
    const u = store.beginRepoUpdate(meta('fedora', T2, 's2'), 10);
    const bad = { ...rec('broken', '1'), name: null } as unknown as VersionRecord;
    expect(() => u.addMany([...synthetic(5, 1), bad, ...synthetic(20, 2)])).toThrow(StoreError);
    expect(dumpWithWriters(store, 'version_tracks')).toEqual(tracks);
    expect(dumpWithWriters(store, 'snapshots')).toEqual(snaps);
    expect(stagingRows(store)).toBe(0);
  });

  it('a commit whose fetch time is before the last check', () => {
    const { store, tracks, snaps } = seeded();
    const u = store.beginRepoUpdate(meta('fedora', T1 - 1, 's2'));
    u.addMany(synthetic(10, 1));
    expect(() => u.commit()).toThrow(/before the last check/);
    expect(dumpWithWriters(store, 'version_tracks')).toEqual(tracks);
    expect(dumpWithWriters(store, 'snapshots')).toEqual(snaps);
    expect(stagingRows(store)).toBe(0);
  });
});

describe('concurrent updates on one connection', () => {
  it('interleaved async streams of two repos each land whole', async () => {
    const store = memoryStore(REPO_A, REPO_B);
    async function* slow(gen: Iterable<VersionRecord>) {
      let i = 0;
      for (const r of gen) {
        if (++i % 700 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
        yield r;
      }
    }
    const [a, b] = await Promise.all([
      store.withRepoUpdate(meta('fedora', T1, 'a'), async (u) => {
        for await (const r of slow(synthetic(12_000, 0, 'a'))) u.add(r);
      }),
      store.withRepoUpdate(meta('grafana', T1, 'b'), async (u) => {
        for await (const r of slow(synthetic(9_000, 0, 'b'))) u.add(r);
      }),
    ]);
    expect(a.added).toBe(12_000);
    expect(b.added).toBe(9_000);
    const current = store.currentVersions();
    expect(current.filter((v) => v.repoId === 'fedora').every((v) => v.name.startsWith('a-'))).toBe(true);
    expect(current.filter((v) => v.repoId === 'grafana')).toHaveLength(9_000);
    expect(stagingRows(store)).toBe(0);
  });
});

describe('dnf facts', () => {
  const facts = (obsoleted: string): DnfRepoFacts => ({
    obsoletes: [{ name: 'containerd.io', arch: 'x86_64', evr: '1.6-1', obsoletes: [{ name: obsoleted }] }],
    provides: [{ name: 'kernel-core', arch: 'x86_64', evr: '6.3-1', provides: ['installonlypkg(kernel)'] }],
    modules: { streams: [], defaults: [{ module: 'postgresql', stream: '13' }] },
  });

  it('belong to the snapshot they were read with: kept by an unchanged check, replaced by a changed index, untouched by a failed one', () => {
    const store = memoryStore(REPO_A, REPO_B);
    const first = store.beginRepoUpdate(meta('fedora', T1, 'sum1'));
    first.add(rec('containerd.io', '1.6'));
    first.setDnfFacts(facts('containerd'));
    first.commit();
    expect(store.dnfFacts(['fedora', 'grafana'])).toEqual(new Map([['fedora', facts('containerd')]]));

    put(store, meta('fedora', T2, 'sum1'), [rec('containerd.io', '1.6')]);
    expect(store.dnfFacts(['fedora']).get('fedora')).toEqual(facts('containerd'));

    const failed = store.beginRepoUpdate(meta('fedora', T3, 'sum2'));
    failed.setDnfFacts(facts('runc'));
    failed.abort();
    expect(store.dnfFacts(['fedora']).get('fedora')).toEqual(facts('containerd'));

    const changed = store.beginRepoUpdate(meta('fedora', T4, 'sum3'));
    changed.add(rec('containerd.io', '1.7'));
    changed.setDnfFacts(facts('runc'));
    changed.commit();
    expect(store.dnfFacts(['fedora']).get('fedora')).toEqual(facts('runc'));
  });
});

describe('a repo with no present version (its first load, or an emptied repo coming back)', () => {
  const DEBIAN = { id: 'debian', vendor: 'Debian', role: 'distro', format: 'deb' } as const;
  const NONE = { depends: null, preDepends: null, conflicts: null, breaks: null, provides: null };
  const deb = (name: string, version: string, depends: string | null = null): VersionRecord => ({
    ...rec(name, version, '1', { arch: 'amd64', vendor: null, buildTime: null }),
    debRelations: { ...NONE, depends },
  });

  /** s1 {a, b}, s2 emptied, s3 {a with new relations, c}; `keep` rides along in every snapshot when given. */
  function emptiedAndBack(keep: VersionRecord[]) {
    const store = memoryStore(DEBIAN);
    put(store, meta('debian', T1, 's1'), [deb('a', '1.0', 'libc6'), deb('b', '1.0'), ...keep]);
    put(store, meta('debian', T2, 's2'), keep);
    const back = put(store, meta('debian', T3, 's3'), [deb('a', '1.0', 'libc6 (>= 2.36)'), deb('c', '2.0', 'a'), ...keep]);
    const history = store
      .versionHistory(['debian'])
      .filter((h) => h.name !== 'keep')
      .map((h) => `${h.name} ${h.evr} ${h.firstSeen}–${h.lastSeen ?? 'open'}`);
    const relations = store.debRelations(['debian'], ['a', 'b', 'c']).map((r) => `${r.name} ${r.evr} ${r.fields?.depends ?? '-'}`).sort();
    return { store, back, history, relations };
  }

  it('writes what the merge writes: same intervals, relations, counts and changed names', () => {
    const firstLoad = emptiedAndBack([]);
    // The same story with one version that never leaves: the repo always has a present version.
    const merged = emptiedAndBack([deb('keep', '1.0')]);
    expect(firstLoad.history).toEqual([`a 1.0-1 ${T1}–${T1}`, `a 1.0-1 ${T3}–open`, `b 1.0-1 ${T1}–${T1}`, `c 2.0-1 ${T3}–open`]);
    expect(firstLoad.history).toEqual(merged.history);
    expect(firstLoad.relations).toEqual(['a 1.0-1 libc6 (>= 2.36)', 'c 2.0-1 a']);
    expect(firstLoad.relations).toEqual(merged.relations);
    const counts = (r: typeof firstLoad.back) => ({ added: r.added, removed: r.removed, refreshed: r.refreshed, changedNames: [...r.changedNames].sort() });
    expect(counts(firstLoad.back)).toEqual({ added: 2, removed: 0, refreshed: 0, changedNames: ['a', 'c'] });
    expect(counts(firstLoad.back)).toEqual(counts(merged.back));
    expect(stagingRows(firstLoad.store)).toBe(0);
  });

  /** What a commit of `index` stored, as the rows' order by id (the order intervals opened by one crawl are read in) shows it. */
  function storedInIdOrder(store: ReturnType<typeof memoryStore>) {
    const rows = dump(store, 'version_tracks') as { id: number | string; name: string; version: string; vendor: string | null; summary: string | null }[];
    const nameOf = new Map(rows.map((r) => [Number(r.id), `${r.name} ${r.version}`]));
    const relations = dump(store, 'deb_relations') as { version_id: number | string; depends: string | null }[];
    return {
      rows: rows.filter((r) => r.name !== 'keep').map((r) => `${r.name} ${r.version} ${r.vendor ?? '-'} ${r.summary}`),
      relations: relations.map((r) => `${nameOf.get(Number(r.version_id))} ${r.depends ?? '-'}`).filter((r) => !r.startsWith('keep')),
      vendors: (dump(store, 'repo_vendors') as { vendor: string }[]).map((r) => r.vendor).sort(),
    };
  }

  it('gives ids in key order and keeps the first of a key listed twice, its vendor and relations too, as the merge does', () => {
    // Not in key order, and two keys come twice with other fields: the first occurrence is stored.
    const index = [
      deb('c', '1.0', 'c first'),
      { ...deb('a', '2.0', 'a2 first'), vendor: 'First' },
      deb('b', '1.0'),
      { ...deb('a', '2.0', 'a2 second'), vendor: 'Second', summary: 'second' },
      deb('a', '1.0', 'a1'),
      { ...deb('c', '1.0', 'c second'), vendor: 'Other' },
    ];
    const stored = (keep: VersionRecord[]) => {
      const store = memoryStore(DEBIAN);
      if (keep.length > 0) put(store, meta('debian', T1, 's1'), keep);
      const result = put(store, meta('debian', T2, 's2'), [...index, ...keep]);
      return { counts: { added: result.added, packageCount: result.packageCount, changedNames: [...result.changedNames].sort() }, ...storedInIdOrder(store) };
    };
    const firstLoad = stored([]);
    expect(firstLoad).toEqual({
      counts: { added: 4, packageCount: 6, changedNames: ['a', 'b', 'c'] },
      rows: ['a 1.0 - a does things', 'a 2.0 First a does things', 'b 1.0 - b does things', 'c 1.0 - c does things'],
      relations: ['a 1.0 a1', 'a 2.0 a2 first', 'b 1.0 -', 'c 1.0 c first'],
      vendors: ['', 'First'],
    });
    const merged = stored([deb('keep', '1.0')]);
    expect(firstLoad).toEqual({ ...merged, counts: { ...merged.counts, packageCount: 6 } });
  });

  it('a first load of a repo renamed away before its commit fails and stores nothing; foreign keys stay checked after it', () => {
    const store = memoryStore(DEBIAN);
    const update = store.beginRepoUpdate(meta('debian', T1, 's1'));
    update.addMany([deb('a', '1.0', 'x')]);
    expect(store.renameRepo('debian', 'debian-renamed')).toBe(true);
    expect(() => update.commit()).toThrow(StoreError);
    expect(dump(store, 'version_tracks')).toEqual([]);
    expect(dump(store, 'deb_relations')).toEqual([]);
    expect(store.snapshots('debian')).toEqual([]);
    expect(stagingRows(store)).toBe(0);

    put(store, meta('debian-renamed', T2, 's2'), [deb('b', '1.0', 'y')]); // a first load that commits
    if (store instanceof SqliteStore) {
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(() => store.db.prepare('INSERT INTO deb_relations (version_id, depends) VALUES (4711, ?)').run('orphan')).toThrow(/FOREIGN KEY/);
    }
  });

  it('a first load that fails after batches were staged stores nothing and leaves no staging', async () => {
    const store = memoryStore(REPO_A);
    await expect(
      store.withRepoUpdate(meta('fedora', T1, 's1'), async (u) => {
        u.addMany(synthetic(5_000));
        expect(stagingRows(store)).toBeGreaterThan(0);
        await Promise.resolve();
        throw new Error('sha256 mismatch');
      }),
    ).rejects.toThrow('sha256 mismatch');
    expect(store.currentVersions()).toEqual([]);
    expect(store.latestSnapshot('fedora')).toBeNull();
    expect(stagingRows(store)).toBe(0);
  });

  it('two updates staging at once: the commit or abort of one keeps every row the other staged', () => {
    const store = memoryStore(REPO_A, REPO_B);
    const a = store.beginRepoUpdate(meta('fedora', T1, 'a'), 100);
    a.addMany(synthetic(1_000, 0, 'a')); // every batch is in staging now
    const dropped = store.beginRepoUpdate(meta('grafana', T1, 'b'), 100);
    dropped.addMany(synthetic(500, 0, 'b'));
    dropped.abort();
    const b = store.beginRepoUpdate(meta('grafana', T1, 'b'), 100);
    b.addMany(synthetic(300, 0, 'b'));
    expect(b.commit().added).toBe(300);
    expect(a.commit().added).toBe(1_000);
    expect(store.currentVersions(['fedora'])).toHaveLength(1_000);
    expect(store.currentVersions(['grafana'])).toHaveLength(300);
    expect(stagingRows(store)).toBe(0);
  });
});

describe('another writer commits the repo between an update\'s start and its commit', () => {
  const DEBIAN = { id: 'debian', vendor: 'Debian', role: 'distro', format: 'deb' } as const;
  const deb = (name: string, version: string, depends: string | null): VersionRecord => ({
    ...rec(name, version, '1', { arch: 'amd64', vendor: null, buildTime: null }),
    debRelations: { depends, preDepends: null, conflicts: null, breaks: null, provides: null },
  });
  const story = (store: ReturnType<typeof memoryStore>) => ({
    history: store.versionHistory(['debian']).map((h) => `${h.name} ${h.evr} ${h.firstSeen}–${h.lastSeen ?? 'open'}`),
    relations: store.debRelations(['debian'], ['a', 'b', 'c', 'x']).map((r) => `${r.name} ${r.fields?.depends ?? '-'}`).sort(),
  });
  const counts = (r: { added: number; removed: number; refreshed: number; changedNames: string[] }) => ({ ...r, changedNames: [...r.changedNames].sort() });

  it('an update begun on an empty repo that has present versions when it commits merges into them', () => {
    const early = [deb('a', '1.0', 'early'), deb('c', '1.0', null)];
    const late = [deb('a', '1.0', 'late'), deb('b', '1.0', 'b')];
    const store = memoryStore(DEBIAN);
    const update = store.beginRepoUpdate(meta('debian', T2, 'late')); // the repo is empty now
    update.addMany(late);
    put(store, meta('debian', T1, 'early'), early);
    const result = update.commit();

    const sequential = memoryStore(DEBIAN);
    put(sequential, meta('debian', T1, 'early'), early);
    const expected = put(sequential, meta('debian', T2, 'late'), late);
    expect(counts({ ...result })).toEqual(counts({ ...expected }));
    expect(counts({ ...result })).toMatchObject({ added: 1, removed: 1 });
    expect(story(store)).toEqual(story(sequential));
    expect(story(store).relations).toEqual(['a early', 'b b']);
    expect(stagingRows(store)).toBe(0);
  });

  it('an update begun on a repo with present versions that is emptied when it commits stores what a first load stores', () => {
    const store = memoryStore(DEBIAN);
    put(store, meta('debian', T1, 's1'), [deb('x', '1.0', null)]);
    const update = store.beginRepoUpdate(meta('debian', T3, 's3')); // the repo has a present version now
    update.addMany([deb('a', '1.0', 'a'), deb('x', '1.0', 'x again')]);
    put(store, meta('debian', T2, 's2'), []);
    const result = update.commit();

    const sequential = memoryStore(DEBIAN);
    put(sequential, meta('debian', T1, 's1'), [deb('x', '1.0', null)]);
    put(sequential, meta('debian', T2, 's2'), []);
    const expected = put(sequential, meta('debian', T3, 's3'), [deb('a', '1.0', 'a'), deb('x', '1.0', 'x again')]);
    expect(counts({ ...result })).toEqual(counts({ ...expected }));
    expect(story(store)).toEqual(story(sequential));
    expect(stagingRows(store)).toBe(0);
  });
});
