import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/analysis/findings.js';
import { resolveProfile } from '../../src/analysis/resolve/resolve.js';
import type { AptReleaseFacts, Candidate, InstalledPackage } from '../../src/analysis/types.js';
import type { ProfileConfig, RepoConfig } from '../../src/config/types.js';
import { buildHostReport, type HostInput } from '../../src/host/risks.js';
import type { HostRiskKind } from '../../src/host/types.js';
import { renderHostOneline, renderHostText } from '../../src/report/host-render.js';
import { debRepo, profile, rpmRepo } from '../support/config-builders.js';
import { debCandidate, installedDeb, installedRpm, releaseFacts, rpmCandidate } from '../support/record-builders.js';

function report(
  p: ProfileConfig,
  repoList: RepoConfig[],
  candidates: Candidate[],
  installed: InstalledPackage[],
  over: { failOn?: HostRiskKind[]; findings?: Finding[]; releases?: Map<string, AptReleaseFacts> } = {},
) {
  const repos = new Map(repoList.map((r) => [r.id, r]));
  const releases = over.releases ?? new Map<string, AptReleaseFacts>();
  const input: HostInput = {
    profile: p,
    repos,
    releases,
    installed,
    installedSource: 'test',
    resolutions: resolveProfile({ profile: p, repos, candidates, releases, installed }),
    findings: over.findings ?? [],
    partialData: [],
    failOn: over.failOn ?? ['vendor-change', 'downgrade', 'stranded'],
    now: Date.UTC(2025, 0, 1),
  };
  return buildHostReport(input);
}

const FEDORA = 'Fedora Project';

describe('buildHostReport (dnf)', () => {
  const fedora = rpmRepo('fedora', { vendor: FEDORA, definedAt: { file: '/etc/yum.repos.d/fedora.repo', line: 1 } });
  const thirdA = rpmRepo('third-a', { vendor: 'A Inc', definedAt: { file: '/etc/yum.repos.d/a.repo', line: 1 }, excludepkgs: ['old*'] });
  const thirdB = rpmRepo('third-b', { vendor: 'B Inc', priority: 50, definedAt: { file: '/etc/yum.repos.d/b.repo', line: 3 } });
  const repos = [fedora, thirdA, thirdB];
  const p = profile('rpm', repos.map((r) => r.id));

  it('classifies vendor change, same-vendor upgrade, stranded (gone and newer), blocked; counts cover every package', () => {
    const r = report(
      p,
      repos,
      [
        rpmCandidate('fedora', 'vc', '1.0-1', { vendor: FEDORA }),
        rpmCandidate('third-a', 'vc', '2.0-1', { vendor: 'A Inc' }),
        rpmCandidate('fedora', 'up', '1.1-1', { vendor: FEDORA }),
        rpmCandidate('fedora', 'newer', '1.0-1', { vendor: FEDORA }),
        rpmCandidate('third-a', 'oldpkg', '2.0-1', { vendor: 'A Inc' }),
        rpmCandidate('fedora', 'same', '1.0-1', { vendor: FEDORA }),
      ],
      [installedRpm('vc', '1.0-1', FEDORA), installedRpm('up', '1.0-1', FEDORA), installedRpm('newer', '3.0-1', FEDORA), installedRpm('gone', '1.0-1', FEDORA), installedRpm('oldpkg', '1.0-1', 'A Inc'), installedRpm('same', '1.0-1', FEDORA)],
    );
    const by = new Map(r.packages.map((x) => [x.name, x]));
    expect(by.get('vc')).toMatchObject({ action: 'vendor-change', from: { vendor: FEDORA, repo: 'fedora' }, to: { vendor: 'A Inc', repo: 'third-a', evr: '2.0-1' }, risky: true });
    expect(by.get('up')).toMatchObject({ action: 'upgrade', risky: false, fixes: [] });
    expect(by.get('newer')).toMatchObject({ action: 'stranded', syncAction: 'downgrade', syncTo: { repo: 'fedora', evr: '1.0-1' } });
    expect(by.get('gone')).toMatchObject({ action: 'stranded', syncAction: 'stranded', from: { repo: null } });
    expect(by.get('oldpkg')).toMatchObject({ action: 'blocked', risky: false });
    expect(by.get('oldpkg')!.fixes[0]!.text).toContain('excludepkgs=old* of repo third-a');
    expect(by.has('same')).toBe(false);
    expect(Object.values(r.counts).reduce((a, b) => a + b, 0)).toBe(6);
    expect(r.counts).toMatchObject({ 'vendor-change': 1, upgrade: 1, stranded: 2, blocked: 1, none: 1 });
    expect(r.riskyCount).toBe(3);
    // Risky first.
    expect(r.packages.slice(0, 3).every((x) => x.risky)).toBe(true);
  });

  it('excludes from each repo that would take over in turn, offers a priority alternative, and merges excludes per section', () => {
    const r = report(
      p,
      repos,
      [
        rpmCandidate('fedora', 'grafana', '1.0-1', { vendor: FEDORA }),
        rpmCandidate('third-a', 'grafana', '3.0-1', { vendor: 'A Inc' }),
        rpmCandidate('third-b', 'grafana', '2.0-1', { vendor: 'B Inc' }),
        rpmCandidate('fedora', 'loki', '1.0-1', { vendor: FEDORA }),
        rpmCandidate('third-b', 'loki', '2.0-1', { vendor: 'B Inc' }),
      ],
      [installedRpm('grafana', '1.0-1', FEDORA), installedRpm('loki', '1.0-1', FEDORA)],
    );
    const grafana = r.packages.find((x) => x.name === 'grafana')!;
    // third-b's priority 50 beats third-a's 99: it takes grafana first; excluded there, third-a would.
    expect(grafana.to?.repo).toBe('third-b');
    const excludes = grafana.fixes.filter((f) => f.kind === 'dnf-excludepkgs');
    expect(excludes.map((f) => [f.section, f.file, f.text, f.verified])).toEqual([
      ['third-b', '/etc/yum.repos.d/b.repo', 'excludepkgs=grafana', true],
      ['third-a', '/etc/yum.repos.d/a.repo', 'excludepkgs=old*,grafana', true],
    ]);
    const loki = r.packages.find((x) => x.name === 'loki')!;
    // Fedora has nothing newer than the installed loki, but it carries loki 1.0 itself: at a better
    // priority than third-b it holds loki where it is (libsolv keeps the installed EVR among the
    // update candidates), so the priority fix works.
    expect(loki.fixes.find((f) => f.kind === 'dnf-priority')).toMatchObject({ section: 'fedora', text: 'priority=49', verified: true });
    expect(r.combinedFixes.map((f) => [f.section, f.text])).toEqual([
      ['third-a', 'excludepkgs=old*,grafana'],
      ['third-b', 'excludepkgs=grafana,loki'],
    ]);
    const text = renderHostText(r);
    expect(text).toContain('ALL EXCLUDES TOGETHER');
    expect(text).toContain('in /etc/yum.repos.d/b.repo, section [third-b]:\n        excludepkgs=grafana');
    expect(renderHostOneline(r)).toBe('repoclash: 2 risky of 2 installed — 2 vendor-change: grafana loki\n');
  });

  it('allow_vendor_change=False: no vendor change, no risk', () => {
    const locked = profile('rpm', repos.map((x) => x.id), { allowVendorChange: false });
    const r = report(locked, repos, [rpmCandidate('fedora', 'vc', '1.0-1', { vendor: FEDORA }), rpmCandidate('third-a', 'vc', '2.0-1', { vendor: 'A Inc' })], [installedRpm('vc', '1.0-1', FEDORA)]);
    expect(r.packages).toEqual([]);
    expect(r.riskyCount).toBe(0);
    expect(renderHostOneline(r)).toBe('repoclash: 1 installed, no risky changes (0 upgrades pending)\n');
  });

  it('clash and ping-pong history: listed, risky only under --fail-on clash/pingpong', () => {
    const finding = { kind: 'clash', severity: 'warning', key: 'clash:p:up', name: 'up', title: 'up: 2 vendors', scope: 'p' } as unknown as Finding;
    const other = { kind: 'pingpong', severity: 'error', key: 'pp:q:up', name: 'up', title: 'elsewhere', scope: 'q' } as unknown as Finding;
    const cands = [rpmCandidate('fedora', 'up', '1.1-1', { vendor: FEDORA })];
    const inst = [installedRpm('up', '1.0-1', FEDORA)];
    const quiet = report(p, repos, cands, inst, { findings: [finding, other] });
    expect(quiet.packages[0]).toMatchObject({ name: 'up', risky: false, history: { clash: { severity: 'warning', title: 'up: 2 vendors' } } });
    expect(quiet.packages[0]!.history.pingpong).toBeUndefined();
    const strict = report(p, repos, cands, inst, { findings: [finding], failOn: ['clash'] });
    expect(strict.riskyCount).toBe(1);
  });
});

describe('buildHostReport (apt)', () => {
  const distro = debRepo('distro', { uri: 'http://archive.example/debian/', vendor: 'Distro' });
  const vendor = debRepo('vendor', { uri: 'http://vendor.example/apt/', vendor: 'Vendor' });
  const p = { ...profile('deb', ['distro', 'vendor']), definedAt: { file: '/etc/apt' } };

  it('a vendor change gets a -1 stanza for the taking repo, by origin when the origins differ, by host when not', () => {
    const cands = [debCandidate('distro', 'nodejs', '18.19.0+dfsg-6', { repoVendor: 'Distro' }), debCandidate('vendor', 'nodejs', '20.11.1-1nodesource1', { repoVendor: 'Vendor' })];
    const inst = [installedDeb('nodejs', '18.19.0+dfsg-6')];
    const byOrigin = report(p, [distro, vendor], cands, inst, {
      releases: new Map([
        ['distro', releaseFacts({ origin: 'Debian', host: 'archive.example' })],
        ['vendor', releaseFacts({ origin: 'Nodesource', host: 'vendor.example' })],
      ]),
    });
    const risk = byOrigin.packages[0]!;
    expect(risk).toMatchObject({ action: 'vendor-change', from: { vendor: 'Distro', repo: 'distro' }, to: { repo: 'vendor', vendor: 'Vendor' } });
    expect(risk.fixes[0]).toMatchObject({ kind: 'apt-preferences', file: '/etc/apt/preferences.d/repoclash-nodejs.pref', verified: true });
    expect(risk.fixes[0]!.text).toContain('Package: nodejs\nPin: release o=Nodesource\nPin-Priority: -1\n');
    const sameOrigin = report(p, [distro, vendor], cands, inst, {
      releases: new Map([
        ['distro', releaseFacts({ origin: 'Same', host: 'archive.example' })],
        ['vendor', releaseFacts({ origin: 'Same', host: 'vendor.example' })],
      ]),
    });
    expect(sameOrigin.packages[0]!.fixes[0]!.text).toContain('Pin: origin vendor.example\n');
    expect(sameOrigin.packages[0]!.fixes[0]!.verified).toBe(true);
  });

  it('file names apt would ignore are made safe', () => {
    const cands = [debCandidate('distro', 'libstdc++6', '12-1', { repoVendor: 'Distro' }), debCandidate('vendor', 'libstdc++6', '13-1', { repoVendor: 'Vendor' })];
    const r = report(p, [distro, vendor], cands, [installedDeb('libstdc++6', '12-1')], {
      releases: new Map([
        ['distro', releaseFacts({ origin: 'Debian', host: 'archive.example' })],
        ['vendor', releaseFacts({ origin: 'V', host: 'vendor.example' })],
      ]),
    });
    expect(r.packages[0]!.fixes[0]!.file).toBe('/etc/apt/preferences.d/repoclash-libstdc__6.pref');
  });
});
