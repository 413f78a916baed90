import { describe, expect, it } from 'vitest';
import { parsePreferences } from '../../src/config/apt-preferences.js';
import type { DebRepoConfig, RepoConfig } from '../../src/config/types.js';
import { releaseConditionsOf, resolveApt } from '../../src/analysis/resolve/apt.js';
import type { AptReleaseFacts, Candidate, InstalledPackage, Resolution } from '../../src/analysis/types.js';
import { debRepo, profile } from '../support/config-builders.js';
import { debCandidate, installedDeb, releaseFacts } from '../support/record-builders.js';

interface Setup {
  repos: Array<{ repo: DebRepoConfig; facts?: Partial<AptReleaseFacts> }>;
  candidates: Candidate[];
  installed?: InstalledPackage[];
  preferences?: string;
  defaultRelease?: string;
}

function run(s: Setup): Map<string, Resolution> {
  const out = resolveApt({
    profile: profile('deb', s.repos.map((r) => r.repo.id), {
      aptPreferences: s.preferences ? parsePreferences(s.preferences, '/etc/apt/preferences') : [],
      ...(s.defaultRelease !== undefined ? { defaultRelease: s.defaultRelease } : {}),
    }),
    repos: new Map<string, RepoConfig>(s.repos.map((r) => [r.repo.id, r.repo])),
    releases: new Map(s.repos.map((r) => [r.repo.id, releaseFacts({ archive: r.repo.suite, ...r.facts })])),
    candidates: s.candidates,
    installed: s.installed ?? [],
  });
  return new Map(out.map((r) => [r.name, r]));
}

/** "version@priority" for every version apt knows, highest version first. */
const table = (r: Resolution | undefined) => (r?.versionPriorities ?? []).map((v) => `${v.evr}@${v.priority}`).join(' ');
const won = (r: Resolution | undefined) => (r?.winner ? `${r.winner.evr}@${r.winner.repoId}` : null);

const stable = debRepo('stable', { suite: 'stable' });
const exp = debRepo('experimental', { suite: 'experimental' });
const bpo = debRepo('backports', { suite: 'bookworm-backports' });
const vendor = debRepo('vendor', { suite: 'current', vendor: 'Vendor' });
const repos = [
  { repo: stable, facts: { codename: 'bookworm', origin: 'Debian', label: 'Debian', version: '12.5' } },
  { repo: exp, facts: { codename: 'rc-buggy', origin: 'Debian', notAutomatic: true } },
  { repo: bpo, facts: { codename: 'bookworm-backports', origin: 'Debian', notAutomatic: true, butAutomaticUpgrades: true } },
  { repo: vendor, facts: { origin: 'Vendor', host: 'apt.vendor.example' } },
];

describe('resolveApt: default priorities', () => {
  const candidates = [debCandidate('stable', 'a', '1.0-1'), debCandidate('experimental', 'a', '2.0-1'), debCandidate('backports', 'a', '1.1-1~bpo1'), debCandidate('vendor', 'b', '2.0'), debCandidate('stable', 'b', '1.0-1')];

  it('gives 500, 1 (NotAutomatic) and 100 (ButAutomaticUpgrades); ties go to the higher version', () => {
    const r = run({ repos, candidates });
    expect(table(r.get('a'))).toBe('2.0-1@1 1.1-1~bpo1@100 1.0-1@500');
    expect(won(r.get('a'))).toBe('1.0-1@stable');
    expect(won(r.get('b'))).toBe('2.0@vendor');
    expect(r.get('b')!.reason).toMatch(/highest version among equal priorities/);
  });

  it('takes a NotAutomatic version when it is the only one', () => {
    expect(won(run({ repos, candidates: [debCandidate('experimental', 'x', '1')] }).get('x'))).toBe('1@experimental');
  });

  it('gives 990 to the default release, by suite, codename or a=/n= form', () => {
    for (const defaultRelease of ['experimental', 'rc-buggy', 'n=rc-buggy', 'a=experimental']) {
      const r = run({ repos, candidates, defaultRelease });
      expect(table(r.get('a'))).toBe('2.0-1@990 1.1-1~bpo1@100 1.0-1@500');
      expect(r.get('a')!.reason).toMatch(/default release/);
    }
    expect(table(run({ repos, candidates, defaultRelease: '12*' }).get('a'))).toBe('2.0-1@1 1.1-1~bpo1@100 1.0-1@990');
  });
});

describe('resolveApt: preferences', () => {
  it('lets the first matching specific pin win, in file order, ignoring the files', () => {
    const preferences = `Package: a
Pin: version 1.1*
Pin-Priority: 700

Package: a*
Pin: release a=experimental
Pin-Priority: 800

Package: a
Pin: release a=stable
Pin-Priority: 50
`;
    const r = run({ repos, candidates: [debCandidate('stable', 'a', '1.0-1'), debCandidate('experimental', 'a', '2.0-1'), debCandidate('backports', 'a', '1.1-1~bpo1')], preferences });
    expect(table(r.get('a'))).toBe('2.0-1@800 1.1-1~bpo1@700 1.0-1@50');
    expect(won(r.get('a'))).toBe('2.0-1@experimental');
    expect(r.get('a')!.reason).toMatch(/pin 800 \(\/etc\/apt\/preferences:5\)/);
  });

  it('applies the first matching general pin per repo, after the default release and the repo pinPriority', () => {
    const preferences = `Package: *
Pin: release o=Debian
Pin-Priority: 300

Package: *
Pin: release a=stable
Pin-Priority: 600
`;
    const candidates = [debCandidate('stable', 'a', '1.0-1'), debCandidate('experimental', 'a', '2.0-1'), debCandidate('backports', 'a', '1.1-1~bpo1')];
    expect(table(run({ repos, candidates, preferences }).get('a'))).toBe('2.0-1@300 1.1-1~bpo1@300 1.0-1@300');
    expect(table(run({ repos, candidates, preferences, defaultRelease: 'stable' }).get('a'))).toBe('2.0-1@300 1.1-1~bpo1@300 1.0-1@990');
    const pinned = repos.map((r) => (r.repo.id === 'experimental' ? { ...r, repo: { ...r.repo, pinPriority: 50 } } : r));
    expect(table(run({ repos: pinned, candidates, preferences }).get('a'))).toBe('2.0-1@50 1.1-1~bpo1@300 1.0-1@300');
  });

  it('never picks a negative priority, and needs ≥ 1000 to go below the installed version', () => {
    const preferences = `Package: v
Pin: origin apt.vendor.example
Pin-Priority: -10

Package: d
Pin: release n=bookworm
Pin-Priority: 1001

Package: e
Pin: release n=bookworm
Pin-Priority: 999
`;
    const r = run({
      repos,
      preferences,
      candidates: [debCandidate('vendor', 'v', '2'), debCandidate('stable', 'v', '1'), debCandidate('stable', 'd', '1.0-1'), debCandidate('stable', 'e', '1.0-1')],
      installed: [installedDeb('d', '2.0-1'), installedDeb('e', '2.0-1')],
    });
    expect(won(r.get('v'))).toBe('1@stable');
    expect(r.get('v')!.ranked.find((x) => x.candidate.repoId === 'vendor')?.excluded).toMatch(/negative pin -10/);
    expect([r.get('d')!.upgradeAction, r.get('d')!.upgradeTo?.evr, r.get('d')!.syncAction]).toEqual(['downgrade', '1.0-1', 'downgrade']);
    expect(r.get('d')!.reason).toMatch(/≥1000 allows the downgrade from 2\.0-1/);
    expect([r.get('e')!.upgradeAction, r.get('e')!.upgradeTo]).toEqual(['none', null]);
  });

  it('reads the bare `Pin: release WORD` form as an archive or codename, and `Pin: origin ""` as local repos', () => {
    const local = debRepo('local', { uri: 'file:///srv/local/', suite: './', flat: true, components: [] });
    const preferences = `Package: a
Pin: release rc-buggy
Pin-Priority: 600

Package: b
Pin: origin ""
Pin-Priority: 600
`;
    const r = run({
      repos: [...repos, { repo: local, facts: { archive: null, host: '' } }],
      preferences,
      candidates: [debCandidate('stable', 'a', '1'), debCandidate('experimental', 'a', '2'), debCandidate('stable', 'b', '2'), debCandidate('local', 'b', '1')],
    });
    expect(won(r.get('a'))).toBe('2@experimental');
    expect(won(r.get('b'))).toBe('1@local');
  });
});

describe('resolveApt: installed packages', () => {
  it('upgrades, keeps, strands and blocks', () => {
    const r = run({
      repos,
      preferences: 'Package: neg\nPin: release a=stable\nPin-Priority: -1\n',
      candidates: [debCandidate('stable', 'up', '1.1-1'), debCandidate('stable', 'keep', '1.0-1'), debCandidate('experimental', 'keep', '9'), debCandidate('stable', 'neg', '3')],
      installed: [installedDeb('up', '1.0-1'), installedDeb('keep', '2.0-1'), installedDeb('gone', '1'), installedDeb('neg', '2')],
    });
    expect(['up', 'keep', 'gone'].map((n) => r.get(n)!.upgradeAction)).toEqual(['upgrade', 'none', 'stranded']);
    expect(table(r.get('keep'))).toBe('9@1 2.0-1@100 1.0-1@500');
    // The installed version stays its own candidate (status file, 100) unless a pin says otherwise.
    expect(r.get('neg')!.upgradeAction).toBe('none');
    expect(table(r.get('neg'))).toBe('3@-1 2@100');
  });

  it('calls it a vendor change when the installed version came only from another vendor', () => {
    const r = run({
      repos,
      candidates: [debCandidate('stable', 'g', '10.2-1', { repoVendor: 'Debian' }), debCandidate('vendor', 'g', '10.4', { repoVendor: 'Vendor' })],
      installed: [installedDeb('g', '10.2-1')],
    });
    expect([r.get('g')!.upgradeAction, r.get('g')!.upgradeTo?.repoId]).toEqual(['vendor-change', 'vendor']);
  });

  it('says blocked when a version exists but none may be taken', () => {
    const r = run({
      repos,
      preferences: 'Package: x\nPin: version *\nPin-Priority: -5\n',
      candidates: [debCandidate('stable', 'x', '2')],
      installed: [installedDeb('x', '1')],
    });
    expect(r.get('x')!.upgradeAction).toBe('blocked');
    expect(r.get('x')!.winner).toBeNull();
  });
});

describe('releaseConditionsOf', () => {
  it('reads pkgVersionMatch release data', () => {
    expect(releaseConditionsOf('a=stable, n=bookworm,o=Debian')).toEqual({ archive: 'stable', codename: 'bookworm', origin: 'Debian' });
    expect(releaseConditionsOf('bookworm')).toEqual({ release: 'bookworm' });
    expect(releaseConditionsOf('12*')).toEqual({ version: '12*' });
  });
});
