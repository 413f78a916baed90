/**
 * loadAuditData (the audit command's loader: names selected in SQL, regressions from streamed best
 * versions) against loadAnalysisData (every version of every repo read into objects): the same
 * findings, over a store where every kind has something to find and each kind's finding is only
 * reachable through its own selection (a third-party clash with no history, a rollback in a
 * single-vendor repo, an upstream repo in no profile, an alias).
 */
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/analysis/audit.js';
import { FINDING_KINDS } from '../../src/analysis/findings.js';
import { loadAnalysisData, loadAuditData } from '../../src/run/analysis-input.js';
import { recordWinners } from '../../src/run/winners.js';
import { parseConfig } from '../../src/config/repos-yaml.js';
import type { Config } from '../../src/config/types.js';
import type { Store } from '../../src/store/index.js';
import type { VersionRecord } from '../../src/store/types.js';
import { dump, memoryStore, meta, put, rec as storeRec } from '../support/store-builders.js';

/** Records without a Vendor: header, so the repos' vendors decide who ships them (publisherOf). */
const rec = (name: string, version: string, release = '1', extra: Partial<VersionRecord> = {}): VersionRecord => storeRec(name, version, release, { vendor: null, ...extra });

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 6);

const CONFIG = `repos:
  f1: { vendor: Fedora Project, role: distro, format: rpm, baseurl: http://f1.invalid/ }
  f1-updates: { vendor: Fedora, role: distro, format: rpm, baseurl: http://f1u.invalid/ }
  third: { vendor: Third Party, role: third-party, format: rpm, baseurl: http://third.invalid/ }
  f2: { vendor: Fedora Project, role: distro, format: rpm, baseurl: http://f2.invalid/ }
  upstream: { vendor: Upstream Inc, role: upstream, format: rpm, baseurl: http://up.invalid/ }
profiles:
  p1: { repos: [f1, f1-updates, third], arch: x86_64 }
  p2: { repos: [f2, third], arch: x86_64 }
upgrade-paths:
  fedora: [p1, p2]
vendor-equivalences: [[Fedora Project, Fedora]]
aliases: { golang: [go] }
`;

function seeded() {
  const config = parseConfig(CONFIG, 'repos.yaml');
  // Later the third party leaves p1: its winner history stays, its versions no longer count there.
  const later = parseConfig(CONFIG.replace('p1: { repos: [f1, f1-updates, third]', 'p1: { repos: [f1, f1-updates]'), 'repos.yaml');
  const store = memoryStore(
    ...[...config.repos.values()].map((r) => ({ id: r.id, vendor: r.vendor, role: r.role, format: r.format })),
  );
  const crawl = (week: number, repos: Record<string, VersionRecord[]>) => {
    const at = T0 + week * 7 * DAY;
    for (const [id, records] of Object.entries(repos)) put(store, meta(id, at, `${id}-${week}`), records);
    recordWinners(store, config, at);
  };
  // Week 0: "clashing" from Fedora and a third party (third wins, higher); "lagging" and "golang"
  // behind upstream; "b" lower in p2 than in p1; "dropped" only in p1.
  crawl(0, {
    // "same": 2.00 and 2.0 are equal to rpm; the first of equals (f1's) is p1's best.
    f1: [rec('same', '2.00'), rec('clashing', '1.0'), rec('b', '1.0'), rec('golang', '1.20'), rec('lagging', '1.0'), rec('dropped', '1.0'), rec('flip', '1.0')],
    'f1-updates': [rec('b', '1.1'), rec('same', '2.0')],
    third: [rec('clashing', '2.0'), rec('flip', '2.0')],
    f2: [rec('same', '1.0'), rec('b', '0.9'), rec('clashing', '1.0'), rec('golang', '1.22'), rec('lagging', '1.0')],
    upstream: [rec('lagging', '2.0'), rec('go', '1.23')],
  });
  // Week 1: Fedora overtakes the third party on "flip".
  crawl(1, { 'f1-updates': [rec('b', '1.1'), rec('same', '2.0'), rec('flip', '3.0')] });
  // Week 2: the third party overtakes again; f1-updates' b 1.1 vanishes (a stale mirror): its best
  // "b" went back.
  crawl(2, { 'f1-updates': [rec('b', '1.0.5'), rec('same', '2.0'), rec('flip', '3.0')], third: [rec('clashing', '2.0'), rec('flip', '4.0')] });
  return { store, config, later, now: T0 + 15 * DAY };
}

describe('loadAuditData', () => {
  it('gives exactly the findings of reading every version, every kind present', () => {
    const { store, config, now } = seeded();
    const profiles = [...config.profiles.values()];
    const everything = runAudit(loadAnalysisData(store, config, profiles, now).input);
    for (const kind of FINDING_KINDS) expect(everything.counts.byKind[kind], kind).toBeGreaterThan(0);
    expect(runAudit(loadAuditData(store, config, profiles, now).input)).toEqual(everything);
  });

  it('gives the same findings for one audited profile (its upgrade path still read whole)', () => {
    const { store, config, now } = seeded();
    const p2 = [config.profiles.get('p2')!];
    const everything = runAudit(loadAnalysisData(store, config, p2, now).input, { profiles: ['p2'] });
    expect(everything.counts.byKind.regression).toBeGreaterThan(0);
    expect(runAudit(loadAuditData(store, config, p2, now).input, { profiles: ['p2'] })).toEqual(everything);
  });

  it('finds a ping-pong known only from the winner history (the vendor left the profile)', () => {
    const { store, later, now } = seeded();
    const p1 = [later.profiles.get('p1')!];
    const everything = runAudit(loadAnalysisData(store, later, p1, now).input, { profiles: ['p1'], kinds: ['pingpong'] });
    expect(everything.findings.map((f) => f.name)).toEqual(['flip']);
    expect(runAudit(loadAuditData(store, later, p1, now).input, { profiles: ['p1'], kinds: ['pingpong'] })).toEqual(everything);
  });

  it('does not read a name whose winner only moves between repos of one vendor', () => {
    const config = parseConfig(CONFIG, 'repos.yaml');
    const store = memoryStore(...[...config.repos.values()].map((r) => ({ id: r.id, vendor: r.vendor, role: r.role, format: r.format })));
    const crawl = (week: number, repos: Record<string, VersionRecord[]>) => {
      const at = T0 + week * 7 * DAY;
      for (const [id, records] of Object.entries(repos)) put(store, meta(id, at, `${id}-${week}`), records);
      recordWinners(store, config, at);
    };
    // f1 → f1-updates → f1 (the update withdrawn): three winners, two repos, one vendor (Fedora Project ≡ Fedora).
    crawl(0, { f1: [rec('moving', '1.0'), rec('other', '1.0')], 'f1-updates': [rec('other', '1.0')], third: [rec('theirs', '1.0')], f2: [], upstream: [] });
    crawl(1, { 'f1-updates': [rec('moving', '1.1'), rec('other', '1.0')] });
    crawl(2, { 'f1-updates': [rec('other', '1.0')] });
    const p1 = config.profiles.get('p1')!;
    expect(store.winnerHistory('p1', ['moving']).map((w) => w.repoId)).toEqual(['f1', 'f1-updates', 'f1']);
    expect(store.winnerHolders(['p1'], 3).map((h) => h.name)).toContain('moving');
    const data = loadAuditData(store, config, [p1], T0 + 15 * DAY);
    expect(data.input.winnerHistory).toEqual([]);
    expect(runAudit(data.input, { profiles: ['p1'] })).toEqual(runAudit(loadAnalysisData(store, config, [p1], T0 + 15 * DAY).input, { profiles: ['p1'] }));
  });

  it('reads only the selected names into objects', () => {
    const { store, config, now } = seeded();
    const data = loadAuditData(store, config, [...config.profiles.values()], now);
    // "b" only went back, in a repo of one vendor: its rollback is judged on the screen's light
    // rows (input.observedRollbacks), and no other kind is about it, so it is not read again.
    expect([...new Set(data.input.current.map((v) => v.name))].sort()).toEqual(['clashing', 'flip', 'go', 'golang', 'lagging']);
    expect(data.input.observedRollbacks?.map((p) => `${p.repoId} ${p.name} ${p.lost} → ${p.best}`)).toEqual(['f1-updates b 1.1-1 → 1.0.5-1']);
    // Winner history serves observed ping-pong alone: only names whose winners were two vendors.
    expect([...new Set(data.input.winnerHistory.map((w) => w.name))]).toEqual(['flip']);
  });

  it('keeps to the audited profiles when loaded for more (rollbacks judged by the loader)', () => {
    const { store, config, now } = seeded();
    const profiles = [...config.profiles.values()];
    const everything = runAudit(loadAnalysisData(store, config, profiles, now).input, { profiles: ['p2'] });
    expect(runAudit(loadAuditData(store, config, profiles, now).input, { profiles: ['p2'] })).toEqual(everything);
  });
});

describe('recordWinners after a crawl', () => {
  const weeks: Array<Record<string, VersionRecord[]>> = [
    {
      f1: [rec('a', '1.0'), rec('b', '1.0'), rec('c', '1.0')],
      third: [rec('a', '2.0'), rec('d', '1.0')],
      f2: [rec('a', '1.0'), rec('b', '2.0')],
      upstream: [rec('a', '3.0')],
    },
    { 'f1-updates': [rec('a', '3.0'), rec('c', '1.1')] },
    { third: [rec('a', '4.0')], f2: [rec('b', '2.0'), rec('e', '1.0')] },
    { 'f1-updates': [rec('c', '1.1')] },
  ];

  /** Crawl the weeks into a fresh store, recording winners the crawl's way or by resolving everything. */
  function crawled(config: Config, incremental: boolean, upTo = weeks.length): Store {
    const store = memoryStore(...[...config.repos.values()].map((r) => ({ id: r.id, vendor: r.vendor, role: r.role, format: r.format })));
    weeks.slice(0, upTo).forEach((repos, week) => crawlWeek(store, config, week, repos, incremental));
    return store;
  }
  function crawlWeek(store: Store, config: Config, week: number, repos: Record<string, VersionRecord[]>, incremental: boolean): void {
    const at = T0 + week * 7 * DAY;
    const changed = new Map<string, string[]>();
    for (const [id, records] of Object.entries(repos)) changed.set(id, put(store, meta(id, at, `${id}-${week}`), records).changedNames);
    recordWinners(store, config, at + 1000, incremental ? changed : undefined);
  }

  it('re-resolving only the changed names records the same winner history as resolving every name', () => {
    const config = parseConfig(CONFIG, 'repos.yaml');
    const full = dump(crawled(config, false), 'winner_tracks');
    expect(full.length).toBeGreaterThan(8);
    expect(dump(crawled(config, true), 'winner_tracks')).toEqual(full);
  });

  it('the commit names exactly the names whose versions appeared, vanished or changed', () => {
    const config = parseConfig(CONFIG, 'repos.yaml');
    const store = crawled(config, true, 2);
    expect(put(store, meta('f1-updates', T0 + 20 * DAY, 'x'), [rec('a', '3.0'), rec('c', '1.1', '1', { summary: 'new words' }), rec('z', '1')]).changedNames.sort()).toEqual(['c', 'z']);
    expect(put(store, meta('f1-updates', T0 + 21 * DAY, 'y'), [rec('c', '1.1', '1', { summary: 'new words' })]).changedNames.sort()).toEqual(['a', 'z']);
  });

  it("resolves every name again when the profile's config changed, or a crawl's winners were never recorded", () => {
    const config = parseConfig(CONFIG, 'repos.yaml');
    // The third-party repo turns out to be Fedora's: the vendor of "a"'s winner changes though "a" did not.
    const edited = parseConfig(CONFIG.replace('third: { vendor: Third Party,', 'third: { vendor: Fedora,'), 'repos.yaml');
    const reference = crawled(config, false, 3);
    crawlWeek(reference, edited, 3, weeks[3]!, false);
    const store = crawled(config, true, 3);
    crawlWeek(store, edited, 3, weeks[3]!, true);
    expect(dump(store, 'winner_tracks')).toEqual(dump(reference, 'winner_tracks'));
    expect(crawled(config, true, 3).currentWinners('p1').find((w) => w.name === 'a')?.vendor).toBe('Third Party');
    expect(store.currentWinners('p1').find((w) => w.name === 'a')?.vendor).toBe('Fedora Project');

    // A crawl whose winners were not recorded (killed in between): the next one resolves everything.
    const skipped = crawled(config, true, 2);
    put(skipped, meta('third', T0 + 14 * DAY, 'third-2'), weeks[2]!['third']!);
    crawlWeek(skipped, config, 2, { f2: weeks[2]!['f2']! }, true);
    crawlWeek(skipped, config, 3, weeks[3]!, true);
    expect(dump(skipped, 'winner_tracks').map(withoutTimes)).toEqual(dump(crawled(config, false), 'winner_tracks').map(withoutTimes));
  });
});

/** Winner rows without ids and times (a run that recorded at other moments). */
function withoutTimes(row: unknown): unknown {
  const { id: _id, from_at: _from, to_at: to, ...rest } = row as Record<string, unknown>;
  return { ...rest, open: to === null };
}
