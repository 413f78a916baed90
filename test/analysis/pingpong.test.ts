import { describe, expect, it } from 'vitest';
import { groupByName } from '../../src/analysis/by-name.js';
import { findPingPong, observePingPong, predictPingPong, type PingPongInput } from '../../src/analysis/pingpong.js';
import { observedRollbackFinding, observedRollbacks, refusedRollbackFindings, rollbackIndex } from '../../src/analysis/rollback.js';
import type { Candidate } from '../../src/analysis/types.js';
import type { VersionInterval, WinnerInterval } from '../../src/store/types.js';
import { at, built, candidate, interval, rpmVersion, winner } from '../support/record-builders.js';

const G = 'Grafana Labs';
const F = 'Fedora Project';
const VENDOR_OF_REPO: Record<string, string> = { grafana: G, 'updates-f29': F };
const vendorOf = (repoId: string, recorded: string | null): string => VENDOR_OF_REPO[repoId] ?? recorded ?? '?';

function input(parts: Partial<PingPongInput>): PingPongInput {
  return {
    profile: 'f29',
    format: 'rpm',
    byName: new Map(),
    historyByName: new Map(),
    winnerHistory: [],
    vendorOf,
    rollbacks: new Map(),
    now: at('2019-06-01'),
    ...parts,
  };
}

/** The story: grafana.com 6.1.5 → Fedora 6.1.6 → grafana.com 6.2.1. */
const story: WinnerInterval[] = [
  winner('f29', 'grafana', 'grafana', G, '6.1.5-1', at('2019-04-01'), at('2019-05-08')),
  winner('f29', 'grafana', 'updates-f29', F, '6.1.6-1.fc29', at('2019-05-08'), at('2019-05-25')),
  winner('f29', 'grafana', 'grafana', G, '6.2.1-1', at('2019-05-25'), null),
];

const releases: Candidate[] = [
  candidate(rpmVersion('grafana', 'grafana', '6.1.5-1', { buildTime: built('2019-04-29') }), G, 'upstream'),
  candidate(rpmVersion('updates-f29', 'grafana', '6.1.6-1.fc29', { buildTime: built('2019-05-07') }), F, 'distro'),
  candidate(rpmVersion('grafana', 'grafana', '6.2.1-1', { buildTime: built('2019-05-24') }), G, 'upstream'),
];

describe('ping-pong — seed (b)', () => {
  it('observes grafana.com → Fedora → grafana.com inside the window', () => {
    const [finding, ...rest] = findPingPong(input({ winnerHistory: story }));
    expect(rest).toEqual([]);
    expect(finding!.key).toBe('pingpong|f29|grafana');
    expect(finding!.observed!.flips).toBe(2);
    expect(finding!.observed!.sequence.map((s) => [s.vendor, s.evr])).toEqual([
      [G, '6.1.5-1'],
      [F, '6.1.6-1.fc29'],
      [G, '6.2.1-1'],
    ]);
    expect(finding!.predicted).toBeNull();
    expect(finding!.severity).toBe('warning');
    expect(finding!.title).toBe(`grafana changed vendors 2 times: ${G} → ${F} → ${G}`);
  });

  it('predicts it from interleaved release histories alone (build times)', () => {
    const [finding] = findPingPong(input({ byName: groupByName(releases) }));
    expect(finding!.observed).toBeNull();
    expect(finding!.predicted).toEqual({
      evidence: 'buildTime',
      leadChanges: 2,
      leads: [
        { at: built('2019-04-29') * 1000, vendor: G, evr: '6.1.5-1' },
        { at: built('2019-05-07') * 1000, vendor: F, evr: '6.1.6-1.fc29' },
        { at: built('2019-05-24') * 1000, vendor: G, evr: '6.2.1-1' },
      ],
    });
    expect(finding!.severity).toBe('warning');
  });

  it('observed and predicted together are an error', () => {
    const [finding] = findPingPong(input({ winnerHistory: story, byName: groupByName(releases) }));
    expect(finding!.observed).not.toBeNull();
    expect(finding!.predicted).not.toBeNull();
    expect(finding!.severity).toBe('error');
  });

  it('uses past versions from the stored history too (the repo no longer ships 6.1.5)', () => {
    const history = groupByName<VersionInterval>([interval({ ...releases[0]! }, at('2019-05-26'))]);
    const [finding] = findPingPong(input({ byName: groupByName(releases.slice(1)), historyByName: history }));
    expect(finding!.predicted!.leadChanges).toBe(2);
  });

  it('forgets flips older than the window', () => {
    expect(findPingPong(input({ winnerHistory: story, now: at('2019-05-25') + 200 * 86_400_000 }))).toEqual([]);
    expect(findPingPong(input({ winnerHistory: story, now: at('2019-05-25') + 200 * 86_400_000, windowDays: 365 }))).toHaveLength(1);
  });

  it('needs a vendor to come back: A → B → C is no ping-pong', () => {
    const abc = [story[0]!, story[1]!, winner('f29', 'grafana', 'rpmfusion', 'RPM Fusion', '6.2.0-1', at('2019-05-25'), null)];
    expect(findPingPong(input({ winnerHistory: abc }))).toEqual([]);
  });

  it('a single crawl without build times predicts nothing (all first_seen equal)', () => {
    const flat = releases.map((c) => ({ ...c, buildTime: null, firstSeen: at('2019-06-01') }));
    expect(predictPingPong('rpm', flat.map((c) => ({ ...c, vendor: c.repoVendor })))).toBeNull();
  });

  it('a vendor that simply stays ahead is no ping-pong', () => {
    const ahead = [
      { ...releases[0]!, vendor: G },
      { ...releases[2]!, vendor: G },
      { ...candidate(rpmVersion('updates-f29', 'grafana', '6.0.0-1.fc29', { buildTime: built('2019-05-30') }), F, 'distro'), vendor: F },
    ];
    expect(predictPingPong('rpm', ahead)).toBeNull();
  });
});

describe('rollbacks are not flips', () => {
  // Fedora updates keeps only the newest grafana; a stale mirror served the old 6.1.4 on 05-11.
  const f = (evr: string) => rpmVersion('updates-f29', 'grafana', evr, { buildTime: built('2019-04-15') });
  const history: VersionInterval[] = [
    interval({ ...f('6.1.4-1.fc29'), firstSeen: at('2019-04-20') }, at('2019-05-07')),
    interval({ ...f('6.1.6-1.fc29'), firstSeen: at('2019-05-08') }, at('2019-05-10')),
    interval({ ...f('6.1.4-1.fc29'), firstSeen: at('2019-05-11') }, at('2019-05-11')),
    interval({ ...f('6.1.6-1.fc29'), firstSeen: at('2019-05-12') }, null),
  ];
  const winners: WinnerInterval[] = [
    winner('f29', 'grafana', 'grafana', G, '6.1.5-1', at('2019-04-01'), at('2019-05-08')),
    winner('f29', 'grafana', 'updates-f29', F, '6.1.6-1.fc29', at('2019-05-08'), at('2019-05-11')),
    winner('f29', 'grafana', 'grafana', G, '6.1.5-1', at('2019-05-11'), at('2019-05-12')),
    winner('f29', 'grafana', 'updates-f29', F, '6.1.6-1.fc29', at('2019-05-12'), null),
  ];

  it('finds the stale-mirror rollback in the version history, recovered', () => {
    const periods = observedRollbacks(history, () => 'rpm');
    expect(periods).toEqual([
      { repoId: 'updates-f29', name: 'grafana', lost: '6.1.6-1.fc29', lostLastSeen: at('2019-05-10'), best: '6.1.4-1.fc29', at: at('2019-05-11'), recoveredAt: at('2019-05-12') },
    ]);
    const finding = observedRollbackFinding(periods[0]!);
    expect(finding).toMatchObject({ kind: 'rollback', source: 'observed', severity: 'info', scope: null, key: 'rollback|updates-f29|grafana|6.1.6-1.fc29' });
  });

  it('does not count the winner changes the rollback caused', () => {
    const rollbacks = rollbackIndex(observedRollbacks(history, () => 'rpm'));
    expect(findPingPong(input({ winnerHistory: winners, rollbacks }))).toEqual([]);
    const observed = observePingPong(winners, { vendorOf: (w) => vendorOf(w.repoId, w.vendor), rollbacks, now: at('2019-06-01') });
    expect(observed).toBeNull();
  });

  it('without the rollback evidence the same winner history would be three flips', () => {
    const [finding] = findPingPong(input({ winnerHistory: winners }));
    expect(finding!.observed!.flips).toBe(3);
    expect(finding!.severity).toBe('error');
  });

  it('a withdrawn update with the old one kept all along is an unrecovered rollback (warning)', () => {
    const kept: VersionInterval[] = [
      interval({ ...f('6.1.4-1.fc29'), firstSeen: at('2019-04-20') }, null),
      interval({ ...f('6.1.6-1.fc29'), firstSeen: at('2019-05-08') }, at('2019-05-10')),
    ];
    const [period] = observedRollbacks(kept, () => 'rpm');
    expect(period).toMatchObject({ lost: '6.1.6-1.fc29', best: '6.1.4-1.fc29', at: at('2019-05-10'), recoveredAt: null });
    expect(observedRollbackFinding(period!).severity).toBe('warning');
  });

  it('an upgrade that replaces the old version is no rollback, nor is a removal', () => {
    const upgrade: VersionInterval[] = [
      interval({ ...f('6.1.4-1.fc29'), firstSeen: at('2019-04-20') }, at('2019-05-07')),
      interval({ ...f('6.1.6-1.fc29'), firstSeen: at('2019-05-08') }, at('2019-05-20')),
    ];
    expect(observedRollbacks(upgrade, () => 'rpm')).toEqual([]);
  });

  it('reports refused rollbacks (crawler events) as repo-wide info findings, ignoring failures', () => {
    const found = refusedRollbackFindings([
      { repoId: 'updates-f29', at: at('2019-05-11'), kind: 'rollback', message: 'repomd revision 1557000000 is older than stored 1557500000' },
      { repoId: 'updates-f29', at: at('2019-05-12'), kind: 'failure', message: 'timeout' },
    ]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ name: '*', source: 'refused', severity: 'info', repoId: 'updates-f29', key: `rollback|updates-f29|*|${at('2019-05-11')}` });
  });
});
