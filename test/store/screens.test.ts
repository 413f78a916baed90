/**
 * The name screens kept at commit (src/store/screens.ts, migration 11): after every crawl of a
 * history that updates, rolls back, drops and brings back names and flips header vendors, each
 * screen gives exactly what the full scan of every stored interval (computed here from the
 * store's own history reads) gives; and migration 11 builds the same tables for a store written
 * before it. On whichever store the suite runs on (SQLite, or PostgreSQL with REPOCLASH_TEST_STORE).
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { versionScheme } from '../../src/formats/version-scheme.js';
import { Store } from '../../src/store/index.js';
import type { HeaderVendorScreen, VersionRecord, Winner } from '../../src/store/types.js';
import { BACK_TO_SCHEMA_13, meta, memoryStore, put, rec, stepBackAndClose, tempDir } from '../support/store-builders.js';
import { testStoreLocation } from '../support/test-store.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

const FEDORA = { id: 'fedora', vendor: 'Fedora Project', role: 'distro', format: 'rpm' } as const;
const THIRD = { id: 'third', vendor: 'Third Inc', role: 'third-party', format: 'rpm' } as const;
const REPOS = [FEDORA.id, THIRD.id];
const VENDOR_OF_REPO = { fedora: 'fedora project', third: 'third inc' };
const KEY_OF = { fedora: 'fedora project', 'fedora project': 'fedora project' };

const v = (name: string, version: string, vendor: string): VersionRecord => rec(name, version, '1', { vendor });

/** Each crawl: every repo's whole index. */
const CRAWLS: Array<Record<string, VersionRecord[]>> = [
  // f: a first load already carries a header vendor other than its repo's
  { fedora: [v('a', '1.0', 'Fedora Project'), v('b', '1.0', 'Fedora Project'), v('c', '1.0', 'Fedora Project')], third: [v('b', '0.9', 'Third Inc'), v('f', '1.0', 'Fedora'), v('f', '0.9', 'Third Inc')] },
  // a updated; third ships d
  { fedora: [v('a', '1.1', 'Fedora Project'), v('b', '1.0', 'Fedora Project'), v('c', '1.0', 'Fedora Project')], third: [v('d', '1.0', 'Third Inc')] },
  // a rolled back (1.1 gone, 1.0 again); c dropped; d re-described with a Fedora header
  { fedora: [v('a', '1.0', 'Fedora Project'), v('b', '1.0', 'Fedora Project')], third: [v('d', '1.0', 'Fedora')] },
  // c back higher (not a rollback); d updated under another header vendor; e: a stale lower copy stays beside the new one
  { fedora: [v('a', '1.1', 'Fedora Project'), v('b', '1.0', 'Fedora Project'), v('c', '2.0', 'Fedora Project'), v('e', '1.0', 'Fedora Project')], third: [v('d', '1.1', 'Other Inc'), v('e', '3.0', 'Third Inc')] },
  { fedora: [v('a', '1.1', 'Fedora Project'), v('b', '1.0', 'Fedora Project'), v('c', '2.0', 'Fedora Project'), v('e', '2.0', 'Fedora Project'), v('e', '1.0', 'Fedora Project')], third: [v('e', '3.0', 'Third Inc')] },
  // e's 2.0 withdrawn while 1.0 stays
  { fedora: [v('a', '1.1', 'Fedora Project'), v('b', '1.0', 'Fedora Project'), v('c', '2.0', 'Fedora Project'), v('e', '1.0', 'Fedora Project')], third: [] },
  // the emptied third party comes back (a load into a repo with history but no present version), e lower than it was
  { fedora: [v('a', '1.1', 'Fedora Project'), v('b', '1.0', 'Fedora Project'), v('c', '2.0', 'Fedora Project'), v('e', '1.0', 'Fedora Project')], third: [v('e', '2.0', 'Third Inc')] },
];

/** The rollback screen by the full scan: a closed interval with a lower key open then or later, per repo and name. */
function rollbacksByScan(store: Store, repoIds: readonly string[]): string[] {
  const key = (iv: { epoch: number; version: string; release: string }) => versionScheme('rpm').sortKey(iv);
  const history = store.versionHistory(repoIds);
  const out = new Set<string>();
  for (const gone of history) {
    if (gone.lastSeen === null) continue;
    const lowerLater = history.some(
      (lower) => lower.repoId === gone.repoId && lower.name === gone.name && key(lower) < key(gone) && (lower.lastSeen === null || lower.lastSeen > gone.lastSeen!),
    );
    if (lowerLater) out.add(gone.name);
  }
  return [...out].sort();
}

/** The several-vendors screen by the full scan: every interval, keyed by header vendor where it counts. */
function severalVendorsByScan(store: Store, vendorOfRepo: Readonly<Record<string, string>>, headers?: HeaderVendorScreen): string[] {
  const keys = new Map<string, Set<string>>();
  for (const iv of store.versionHistory(Object.keys(vendorOfRepo))) {
    const header = (iv.vendor ?? '').trim();
    const k = headers?.repoIds.includes(iv.repoId) && header !== '' ? (headers.keyOf[header.toLowerCase()] ?? header.toLowerCase()) : vendorOfRepo[iv.repoId]!;
    keys.set(iv.name, (keys.get(iv.name) ?? new Set()).add(k));
  }
  return [...keys].filter(([, k]) => k.size > 1).map(([name]) => name).sort();
}

/** The hand-over screen by the full scan: every holder (repo, recorded vendor) of the names that changed hands. */
function winnerHoldersByScan(store: Store, profiles: readonly string[], minIntervals: number): string[] {
  const byName = new Map<string, Array<{ repoId: string; vendor: string | null }>>();
  for (const w of store.winnerHistory()) {
    if (!profiles.includes(w.profile)) continue;
    const k = `${w.profile}/${w.name}`;
    byName.set(k, [...(byName.get(k) ?? []), w]);
  }
  const out = new Set<string>();
  for (const [k, intervals] of byName) {
    const handedOver = new Set(intervals.map((w) => w.repoId)).size > 1 || new Set(intervals.map((w) => w.vendor ?? '')).size > 1;
    if (intervals.length >= minIntervals && handedOver) for (const w of intervals) out.add(`${k}:${w.repoId}:${w.vendor}`);
  }
  return [...out].sort();
}

const sorted = (names: string[]) => [...names].sort();
const holders = (store: Store, profiles: readonly string[], minIntervals: number) =>
  store.winnerHolders(profiles, minIntervals).map((h) => `${h.profile}/${h.name}:${h.repoId}:${h.vendor}`).sort();

/** Every screen as the store gives it, beside the full scan's answer. */
function screens(store: Store): { stored: unknown; scanned: unknown } {
  const headerBoth: HeaderVendorScreen = { repoIds: REPOS, keyOf: KEY_OF };
  const headerFedora: HeaderVendorScreen = { repoIds: [FEDORA.id], keyOf: KEY_OF };
  return {
    stored: {
      rollbacks: sorted(store.namesWithLowerLaterVersions(REPOS)),
      rollbacksThird: sorted(store.namesWithLowerLaterVersions([THIRD.id])),
      byRepo: sorted(store.namesWithSeveralVendors(VENDOR_OF_REPO)),
      byHeader: sorted(store.namesWithSeveralVendors(VENDOR_OF_REPO, headerBoth)),
      byFedoraHeader: sorted(store.namesWithSeveralVendors(VENDOR_OF_REPO, headerFedora)),
      thirdAlone: sorted(store.namesWithSeveralVendors({ third: 'third inc' }, { repoIds: [THIRD.id], keyOf: KEY_OF })),
      winners2: holders(store, ['p', 'q'], 2),
      winners3: holders(store, ['p'], 3),
    },
    scanned: {
      rollbacks: rollbacksByScan(store, REPOS),
      rollbacksThird: rollbacksByScan(store, [THIRD.id]),
      byRepo: severalVendorsByScan(store, VENDOR_OF_REPO),
      byHeader: severalVendorsByScan(store, VENDOR_OF_REPO, headerBoth),
      byFedoraHeader: severalVendorsByScan(store, VENDOR_OF_REPO, headerFedora),
      thirdAlone: severalVendorsByScan(store, { third: 'third inc' }, { repoIds: [THIRD.id], keyOf: KEY_OF }),
      winners2: winnerHoldersByScan(store, ['p', 'q'], 2),
      winners3: winnerHoldersByScan(store, ['p'], 3),
    },
  };
}

const fedoraWins = (name: string, evr: string): Winner => ({ name, repoId: FEDORA.id, vendor: FEDORA.vendor, evr });
const thirdWins = (name: string, evr: string, vendor: string = THIRD.vendor): Winner => ({ name, repoId: THIRD.id, vendor, evr });
/** Per crawl, the winners recorded for profile p (and q): evr-only changes, hand-overs, a name leaving and coming back to another holder. */
const WINNERS: Array<Record<string, Winner[]>> = [
  { p: [fedoraWins('x', '1'), fedoraWins('y', '1'), fedoraWins('z', '1')], q: [fedoraWins('x', '1')] },
  { p: [fedoraWins('x', '2'), fedoraWins('z', '2')], q: [fedoraWins('x', '2')] },
  // y comes back to another repo after a gap
  { p: [thirdWins('x', '3'), thirdWins('y', '2'), fedoraWins('z', '3')], q: [fedoraWins('x', '3')] },
  { p: [fedoraWins('x', '4'), thirdWins('y', '3'), fedoraWins('z', '4')], q: [fedoraWins('x', '3')] },
  // same repo, another recorded vendor
  { p: [fedoraWins('x', '4'), thirdWins('y', '3', 'Other Inc'), fedoraWins('z', '5')], q: [thirdWins('x', '5')] },
  { p: [fedoraWins('x', '4')], q: [] },
  { p: [fedoraWins('x', '4')], q: [] },
];

function runHistory(store: Store, check: (step: number) => void): void {
  CRAWLS.forEach((crawl, step) => {
    const at = 1000 * (step + 1);
    for (const [repo, records] of Object.entries(crawl)) put(store, meta(repo, at, `${repo}-${step}`), records);
    for (const [profile, winners] of Object.entries(WINNERS[step]!)) store.recordWinners(profile, winners, at + 10);
    check(step);
  });
}

describe('name screens kept at commit', () => {
  it('give what the full scan of every interval gives, after every crawl', () => {
    const store = memoryStore(FEDORA, THIRD);
    cleanups.push(() => store.close());
    runHistory(store, (step) => {
      const { stored, scanned } = screens(store);
      expect(stored, `after crawl ${step + 1}`).toEqual(scanned);
    });
    // The history exercises every screen (a screen that never fires would prove nothing).
    expect(screens(store).stored).toEqual({
      rollbacks: ['a', 'e'],
      rollbacksThird: ['e'],
      byRepo: ['b', 'e'],
      byHeader: ['b', 'd', 'e', 'f'],
      byFedoraHeader: ['b', 'e'],
      thirdAlone: ['d', 'f'],
      winners2: [
        'p/x:fedora:Fedora Project',
        'p/x:third:Third Inc',
        'p/y:third:Other Inc',
        'p/y:fedora:Fedora Project',
        'p/y:third:Third Inc',
        'q/x:fedora:Fedora Project',
        'q/x:third:Third Inc',
      ].sort(),
      winners3: ['p/x:fedora:Fedora Project', 'p/x:third:Third Inc', 'p/y:fedora:Fedora Project', 'p/y:third:Other Inc', 'p/y:third:Third Inc'].sort(),
    });
  });

  it('closed intervals keep EVR, vendor and build time, not the text only current versions show', () => {
    const store = memoryStore(FEDORA);
    cleanups.push(() => store.close());
    put(store, meta('fedora', 1000, 'f1'), [v('a', '1.0', 'Fedora Project')]);
    put(store, meta('fedora', 2000, 'f2'), [v('a', '1.1', 'Fedora Project')]);
    const [closed, open] = store.versionHistory(['fedora']);
    expect(closed).toMatchObject({ evr: '1.0-1', vendor: 'Fedora Project', buildTime: 1_700_000_000, lastSeen: 1000, sourceName: null, url: null, summary: null });
    expect(open).toMatchObject({ evr: '1.1-1', lastSeen: null, sourceName: 'a-src', url: 'https://example.invalid/a', summary: 'a does things' });
  });

  it('are built by migration 11 for a store written before it (either store)', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = path.join(t.dir, 'old.db');
    const location = testStoreLocation(file);
    const store = Store.open({ path: location });
    store.upsertRepo(FEDORA, 0);
    store.upsertRepo(THIRD, 0);
    runHistory(store, () => undefined);
    const expected = screens(store).stored;
    // Back to schema 10: none of migration 11's tables (nor 12's repo columns, 13's winner steps), closed intervals still with their text.
    const stepBack = [
      ...BACK_TO_SCHEMA_13,
      'ALTER TABLE repos DROP COLUMN label',
      'ALTER TABLE repos DROP COLUMN location',
      ...['version_rollbacks', 'past_vendors', 'repo_vendors', 'winner_handovers', 'winner_steps'].map((table) => `DROP TABLE ${table}`),
      `UPDATE version_tracks SET summary = 'old text' WHERE last_seen IS NOT NULL`,
      'DELETE FROM schema_version WHERE version >= 11',
    ];
    stepBackAndClose(store, file, stepBack);
    const migrated = Store.open({ path: location });
    cleanups.push(() => migrated.close());
    expect(screens(migrated).stored).toEqual(expected);
    expect(migrated.versionHistory(REPOS).filter((iv) => iv.lastSeen !== null && iv.summary !== null)).toEqual([]);
  });

  it('follow a repo whose format (so its sort keys) changed', () => {
    const store = memoryStore({ ...FEDORA, format: 'deb' });
    cleanups.push(() => store.close());
    // dpkg orders 1.1 before 1_1 (by character); rpm holds them equal (separators only split).
    put(store, meta('fedora', 1000, 'f1'), [v('k', '1_1', 'Fedora Project'), v('k', '1.1', 'Fedora Project')]);
    put(store, meta('fedora', 2000, 'f2'), [v('k', '1.1', 'Fedora Project')]);
    expect(store.namesWithLowerLaterVersions(['fedora'])).toEqual(['k']);
    store.upsertRepo(FEDORA, 3000);
    expect(store.namesWithLowerLaterVersions(['fedora'])).toEqual([]);
    expect(rollbacksByScan(store, ['fedora'])).toEqual([]);
  });
});
