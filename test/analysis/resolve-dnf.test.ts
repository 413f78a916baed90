import { describe, expect, it } from 'vitest';
import type { RepoConfig, RpmRepoConfig } from '../../src/config/types.js';
import { resolveDnf } from '../../src/analysis/resolve/dnf.js';
import type { Candidate, InstalledPackage, Resolution } from '../../src/analysis/types.js';
import { profile, rpmRepo } from '../support/config-builders.js';
import { installedRpm, rpmCandidate } from '../support/record-builders.js';

function run(
  repos: RpmRepoConfig[],
  candidates: Candidate[],
  opts: { installed?: InstalledPackage[]; allowVendorChange?: boolean; vendorSticky?: boolean; arches?: string[]; order?: string[] } = {},
): Map<string, Resolution> {
  const out = resolveDnf({
    profile: profile('rpm', opts.order ?? repos.map((r) => r.id), {
      allowVendorChange: opts.allowVendorChange ?? true,
      vendorSticky: opts.vendorSticky ?? false,
      ...(opts.arches ? { arches: opts.arches } : {}),
    }),
    repos: new Map<string, RepoConfig>(repos.map((r) => [r.id, r])),
    candidates,
    installed: opts.installed ?? [],
  });
  return new Map(out.map((r) => [`${r.name}${r.installed ? `.${r.installed.arch}` : ''}`, r]));
}

const won = (r: Resolution | undefined) => (r?.winner ? `${r.winner.evr}@${r.winner.repoId}` : null);

describe('resolveDnf: who wins a name', () => {
  it('takes the best priority first, even over a higher version', () => {
    const r = run([rpmRepo('fedora', { priority: 10 }), rpmRepo('vendor')], [rpmCandidate('fedora', 'g', '10.2.3-1'), rpmCandidate('vendor', 'g', '10.4.2-1')]);
    expect(won(r.get('g'))).toBe('10.2.3-1@fedora');
    expect(r.get('g')!.reason).toMatch(/priority 10 of repo fedora beats 99 of repo vendor/);
    expect(r.get('g')!.ranked.map((x) => x.candidate.repoId)).toEqual(['fedora', 'vendor']);
  });

  it('takes the highest EVR among equal priorities; the epoch counts first', () => {
    const r = run([rpmRepo('a'), rpmRepo('b')], [rpmCandidate('a', 'g', '10.4.2-1'), rpmCandidate('b', 'g', '1:9.0-1'), rpmCandidate('a', 'h', '1.0-1'), rpmCandidate('b', 'h', '1.10-1')]);
    expect(won(r.get('g'))).toBe('1:9.0-1@b');
    expect(won(r.get('h'))).toBe('1.10-1@b');
    expect(r.get('h')!.reason).toMatch(/highest EVR 1\.10-1/);
  });

  it('breaks a tie on the same EVR by cost, then by the order of the profile', () => {
    const c = [rpmCandidate('a', 'x', '1-1'), rpmCandidate('b', 'x', '1-1')];
    expect(won(run([rpmRepo('a'), rpmRepo('b', { cost: 500 })], c).get('x'))).toBe('1-1@b');
    expect(won(run([rpmRepo('a'), rpmRepo('b')], c).get('x'))).toBe('1-1@a');
    expect(won(run([rpmRepo('a'), rpmRepo('b')], c, { order: ['b', 'a'] }).get('x'))).toBe('1-1@b');
    expect(run([rpmRepo('a'), rpmRepo('b', { cost: 500 })], c).get('x')!.reason).toMatch(/cost 500 of repo b beats 1000/);
  });

  it('drops excluded packages and everything outside includepkgs', () => {
    const repos = [rpmRepo('fedora'), rpmRepo('pgdg', { excludepkgs: ['postgresql*'] }), rpmRepo('only', { includepkgs: ['tool'] })];
    const r = run(repos, [
      rpmCandidate('fedora', 'postgresql', '15.1-1'),
      rpmCandidate('pgdg', 'postgresql', '16.2-1'),
      rpmCandidate('fedora', 'tool', '1-1'),
      rpmCandidate('only', 'tool', '2-1'),
      rpmCandidate('only', 'other', '2-1'),
    ]);
    expect(won(r.get('postgresql'))).toBe('15.1-1@fedora');
    expect(r.get('postgresql')!.ranked.find((x) => x.candidate.repoId === 'pgdg')?.excluded).toBe('excludepkgs=postgresql* of repo pgdg');
    expect(won(r.get('tool'))).toBe('2-1@only');
    expect(r.get('other')!.winner).toBeNull();
    expect(r.get('other')!.reason).toMatch(/excluded.*includepkgs of repo only/);
  });

  it('ignores source packages, incompatible arches, disabled repos and repos outside the profile', () => {
    const r = run(
      [rpmRepo('a'), rpmRepo('off', { enabled: false }), rpmRepo('elsewhere')],
      [
        rpmCandidate('a', 'x', '1-1', { arch: 'x86_64' }),
        rpmCandidate('a', 'x', '9-1', { arch: 'src' }),
        rpmCandidate('a', 'x', '8-1', { arch: 'aarch64' }),
        rpmCandidate('off', 'x', '7-1'),
        rpmCandidate('elsewhere', 'x', '6-1'),
      ],
      { order: ['a', 'off'] },
    );
    expect(won(r.get('x'))).toBe('1-1@a');
    expect(r.get('x')!.ranked).toHaveLength(1);
  });

  it('keeps the best real arch and noarch together, as libsolv prunes them', () => {
    const arches = ['x86_64', 'i686', 'noarch'];
    const r = run(
      [rpmRepo('a')],
      [rpmCandidate('a', 'm', '3-1', { arch: 'i686' }), rpmCandidate('a', 'm', '2-1', { arch: 'x86_64' }), rpmCandidate('a', 'n', '1-1', { arch: 'x86_64' }), rpmCandidate('a', 'n', '2-1')],
      { arches },
    );
    expect(`${r.get('m')!.winner!.arch} ${r.get('m')!.winner!.evr}`).toBe('x86_64 2-1');
    expect(`${r.get('n')!.winner!.arch} ${r.get('n')!.winner!.evr}`).toBe('noarch 2-1');
  });
});

describe('resolveDnf: what dnf upgrade and distro-sync do to installed packages', () => {
  const fedora = rpmRepo('fedora', { vendor: 'Fedora Project' });
  const grafana = rpmRepo('grafana', { vendor: 'Grafana Labs' });
  const cands = [rpmCandidate('fedora', 'g', '10.2.4-1', { vendor: 'Fedora Project' }), rpmCandidate('grafana', 'g', '10.4.2-1', { vendor: 'Grafana Labs' })];
  const inst = [installedRpm('g', '10.2.3-1', 'Fedora Project')];

  it('reports a vendor change when the upgrade comes from another vendor', () => {
    const g = run([fedora, grafana], cands, { installed: inst }).get('g.noarch')!;
    expect([g.upgradeAction, g.upgradeTo?.repoId, g.syncAction]).toEqual(['vendor-change', 'grafana', 'vendor-change']);
  });

  it('stays within the vendor with allow_vendor_change=False (upgrade and distro-sync) and with vendorSticky', () => {
    for (const opts of [{ allowVendorChange: false }, { vendorSticky: true }]) {
      const g = run([fedora, grafana], cands, { installed: inst, ...opts }).get('g.noarch')!;
      expect([g.upgradeAction, g.upgradeTo?.evr, g.syncAction, g.syncTo?.evr]).toEqual(['upgrade', '10.2.4-1', 'upgrade', '10.2.4-1']);
      expect(g.winner?.repoId).toBe('grafana');
    }
  });

  it('applies the vendor filter before the priority pruning', () => {
    const prio = rpmRepo('prio', { vendor: 'Other', priority: 10 });
    const g = run([fedora, prio], [rpmCandidate('fedora', 'g', '1.5-1', { vendor: 'Fedora Project' }), rpmCandidate('prio', 'g', '2-1', { vendor: 'Other' })], {
      installed: [installedRpm('g', '1.0-1', 'Fedora Project')],
      allowVendorChange: false,
    }).get('g.noarch')!;
    expect(`${g.upgradeAction} ${g.upgradeTo?.evr}@${g.upgradeTo?.repoId}`).toBe('upgrade 1.5-1@fedora');
  });

  it('prunes by priority among the upgrade candidates only: a priority repo with only older versions does not hold it back', () => {
    const grafanaPrio = rpmRepo('grafana', { vendor: 'Grafana Labs', priority: 10 });
    const g = run([rpmRepo('fedora', { vendor: 'Fedora Project' }), grafanaPrio], [rpmCandidate('grafana', 'g', '6.1.5-1', { vendor: 'Grafana Labs' }), rpmCandidate('fedora', 'g', '1:6.0.0-1.fc29', { vendor: 'Fedora Project' })], {
      installed: [installedRpm('g', '6.2.1-1', 'Grafana Labs')],
    }).get('g.noarch')!;
    expect(`${g.upgradeAction} ${g.upgradeTo?.evr}@${g.upgradeTo?.repoId}`).toBe('vendor-change 1:6.0.0-1.fc29@fedora');
    // A fresh install still takes the priority repo's version.
    expect(won(g)).toBe('6.1.5-1@grafana');
  });

  it('never downgrades on upgrade; distro-sync downgrades to the priority winner', () => {
    const g = run([rpmRepo('fedora', { vendor: 'Fedora Project', priority: 10 }), grafana], cands, { installed: [installedRpm('g', '10.4.2-1', 'Grafana Labs')] }).get('g.noarch')!;
    expect([g.upgradeAction, g.upgradeTo, g.syncAction, g.syncTo?.evr]).toEqual(['none', null, 'downgrade', '10.2.4-1']);
    expect(g.reason).toMatch(/upgrade: best offer 10\.2\.4-1 from repo fedora is not newer/);
  });

  it('says stranded when no repo carries the name, blocked when every version is excluded', () => {
    const r = run([fedora, rpmRepo('grafana', { vendor: 'Grafana Labs', excludepkgs: ['g'] })], [rpmCandidate('grafana', 'g', '11-1')], {
      installed: [installedRpm('g', '10-1', 'Grafana Labs'), installedRpm('gone', '1-1', null)],
    });
    expect([r.get('gone.noarch')!.upgradeAction, r.get('gone.noarch')!.syncAction]).toEqual(['stranded', 'stranded']);
    expect([r.get('g.noarch')!.upgradeAction, r.get('g.noarch')!.syncAction]).toEqual(['blocked', 'blocked']);
  });

  it('allows arch changes to and from noarch only', () => {
    const r = run([rpmRepo('a')], [rpmCandidate('a', 'x', '2-1'), rpmCandidate('a', 'y', '2-1', { arch: 'i686' })], {
      installed: [installedRpm('x', '1-1', null, 'x86_64'), installedRpm('y', '1-1', null, 'x86_64')],
      arches: ['x86_64', 'i686', 'noarch'],
    });
    expect(r.get('x.x86_64')!.upgradeTo?.arch).toBe('noarch');
    expect(r.get('y.x86_64')!.upgradeAction).toBe('stranded');
  });

  it('treats a missing vendor as the empty string on both sides', () => {
    const g = run([rpmRepo('a')], [rpmCandidate('a', 'g', '2-1', { vendor: null })], { installed: [installedRpm('g', '1-1', null)], allowVendorChange: false }).get('g.noarch')!;
    expect(g.upgradeAction).toBe('upgrade');
  });
});
