/**
 * The fleet view's rules as pure functions (src/fleet/analysis.ts, src/fleet/record.ts): risks
 * grouped and sorted as the JSON contract says, staleness by whole days, repo drift against the
 * group's majority set, and a host report turned into exactly its vendor-change / downgrade rows.
 */
import { describe, expect, it } from 'vitest';
import { buildFleetReport, fleetFails, repoDrift, staleHosts } from '../../src/fleet/analysis.js';
import { defaultHostGroup, fleetRecord } from '../../src/fleet/record.js';
import type { HostReport, HostRisk } from '../../src/host/types.js';
import type { FleetHostRisk, FleetHostSummary } from '../../src/store/index.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 28, 12);

function host(name: string, group: string, repos: string[], daysAgo = 0): FleetHostSummary {
  return { host: name, group, format: 'rpm', reportedAt: NOW - daysAgo * DAY, installedCount: 10, repos };
}

function risk(hostName: string, name: string, kind: FleetHostRisk['kind'], arch = 'x86_64'): FleetHostRisk {
  return { host: hostName, name, arch, kind, installedEvr: '1-1', installedVendor: 'A', installedRepo: 'a', targetEvr: '2-1', targetVendor: 'B', targetRepo: 'b' };
}

describe('buildFleetReport', () => {
  it('groups risks per (name, kind), sorted by name then kind, hosts by host then arch', () => {
    const report = buildFleetReport({
      hosts: [host('h2', 'g', []), host('h1', 'g', [])],
      risks: [risk('h2', 'zsh', 'downgrade'), risk('h2', 'grafana', 'vendor-change'), risk('h1', 'grafana', 'vendor-change', 'i686'), risk('h1', 'grafana', 'vendor-change'), risk('h1', 'grafana', 'downgrade')],
      now: NOW,
      staleDays: 7,
    });
    expect(report.risks.map((r) => [r.name, r.kind, r.hosts.map((h) => `${h.host}.${h.arch}`)])).toEqual([
      ['grafana', 'downgrade', ['h1.x86_64']],
      ['grafana', 'vendor-change', ['h1.i686', 'h1.x86_64', 'h2.x86_64']],
      ['zsh', 'downgrade', ['h2.x86_64']],
    ]);
    expect(report.hosts.map((h) => h.host)).toEqual(['h1', 'h2']);
    expect(report.generatedAt).toBe(new Date(NOW).toISOString());
  });

  it('fails on exactly the kinds asked for', () => {
    const report = buildFleetReport({ hosts: [host('h1', 'g', ['a'], 8), host('h2', 'g', ['a', 'b']), host('h3', 'g', ['a'])], risks: [risk('h1', 'x', 'downgrade')], now: NOW, staleDays: 7 });
    expect(fleetFails(report, ['vendor-change'])).toBe(false);
    expect(fleetFails(report, ['downgrade'])).toBe(true);
    expect(fleetFails(report, ['stale'])).toBe(true);
    expect(fleetFails(report, ['repo-drift'])).toBe(true);
    const clean = buildFleetReport({ hosts: [host('h1', 'g', ['a'])], risks: [], now: NOW, staleDays: 7 });
    expect(fleetFails(clean, ['vendor-change', 'downgrade', 'stale', 'repo-drift'])).toBe(false);
  });
});

describe('staleHosts', () => {
  it('more than N days is stale, exactly N is not; days are whole days, oldest first', () => {
    const hosts = [host('exact', 'g', [], 7), host('over', 'g', [], 7.01), host('old', 'g', [], 30.9), host('new', 'g', [], 0)];
    expect(staleHosts(hosts, NOW, 7).map((s) => [s.host, s.days])).toEqual([
      ['old', 30],
      ['over', 7],
    ]);
  });
});

describe('repoDrift', () => {
  it("names each host's missing and extra repos against the group's majority set, per group", () => {
    const drift = repoDrift([
      host('a1', 'web', ['base', 'updates', 'grafana']),
      host('a2', 'web', ['base', 'updates', 'grafana']),
      host('a3', 'web', ['base', 'docker']),
      host('b1', 'db', ['base', 'pgdg']),
      host('c1', 'solo', ['anything']),
    ]);
    expect(drift).toEqual([{ host: 'a3', group: 'web', missing: ['grafana', 'updates'], extra: ['docker'] }]);
  });

  it('a repo on exactly half of the hosts is not in the majority set', () => {
    expect(repoDrift([host('a', 'g', ['x', 'y']), host('b', 'g', ['x'])])).toEqual([{ host: 'a', group: 'g', missing: [], extra: ['y'] }]);
  });
});

describe('fleetRecord', () => {
  const base: Omit<HostRisk, 'name' | 'action' | 'to'> = {
    arch: 'x86_64',
    installed: '1.0-1',
    syncAction: 'none',
    from: { vendor: 'Fedora Project', repo: 'repo-id-fedora' },
    syncTo: null,
    reason: '',
    history: {},
    becameStranded: false,
    risky: true,
    fixes: [],
  };
  const to = { vendor: 'Grafana Labs', repo: 'repo-id-grafana', evr: '2.0-1' };
  const packages: HostRisk[] = [
    { ...base, name: 'vc', action: 'vendor-change', to },
    { ...base, name: 'down', action: 'downgrade', to },
    { ...base, name: 'up', action: 'upgrade', to },
    { ...base, name: 'strand', action: 'stranded', to: null },
    // Only the sync command would change its vendor: not the next upgrade's risk.
    { ...base, name: 'sync', action: 'none', syncAction: 'vendor-change', to: null, syncTo: to },
  ];
  const report = { packages } as unknown as HostReport;

  it("keeps exactly the upgrade's vendor changes and downgrades, repos by label", () => {
    const record = fleetRecord({ host: 'h', group: 'g', format: 'rpm', reportedAt: NOW, repos: ['fedora'], installed: [], report, labelOf: (id) => id.replace('repo-id-', '') });
    expect(record.risks.map((r) => [r.name, r.kind, r.installedRepo, r.targetRepo])).toEqual([
      ['vc', 'vendor-change', 'fedora', 'grafana'],
      ['down', 'downgrade', 'fedora', 'grafana'],
    ]);
  });

  it('the default group is os-release ID-VERSION_ID', () => {
    expect(defaultHostGroup({ id: 'fedora', versionId: '40', idLike: [] })).toBe('fedora-40');
    expect(defaultHostGroup({ id: 'debian', idLike: [] })).toBe('debian');
    expect(defaultHostGroup(null)).toBe('unknown');
  });
});
