/** The check analysis on hand-built store records and configs: every check, its verdicts and severities. */
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/check/check.js';
import { SUBMISSION_REPO, type CheckResult, type NameTakenFinding } from '../../src/check/types.js';
import type { AnalysisInput } from '../../src/analysis/types.js';
import type { Submission } from '../../src/check/submission.js';
import { nameSubmission } from '../../src/check/submission.js';
import type { ProfileConfig, RepoConfig, UpgradePathConfig } from '../../src/config/types.js';
import { UsageError } from '../../src/errors.js';
import type { StoredVersion, VersionInterval } from '../../src/store/types.js';
import { debRepo, profile, repoMap, rpmRepo, upgradePath } from '../support/config-builders.js';
import { at, built, debVersion, interval, rpmVersion } from '../support/record-builders.js';

const NOW = at('2019-05-22');

function analysis(opts: {
  repos: RepoConfig[];
  profiles: ProfileConfig[];
  current: StoredVersion[];
  history?: VersionInterval[];
  upgradePaths?: UpgradePathConfig[];
  aliases?: Map<string, string[]>;
}): AnalysisInput {
  return {
    repos: repoMap(...opts.repos),
    profiles: opts.profiles,
    upgradePaths: opts.upgradePaths ?? [],
    vendorEquivalences: [['Fedora Project', 'Fedora']],
    aliases: opts.aliases ?? new Map(),
    current: opts.current,
    history: opts.history ?? [],
    winnerHistory: [],
    repoEvents: [],
    releases: new Map(),
    now: NOW,
  };
}

function rpmSubmission(name: string, evr: string, extra: Partial<Submission['names'][number]> = {}, vendor: string | null = 'Fedora Project'): Submission {
  return {
    kind: 'spec',
    path: `/src/${name}.spec`,
    format: 'rpm',
    sourceName: extra.sourceName ?? name,
    names: [{ name, provides: [], url: null, summary: null, sourceName: name, arch: 'x86_64', ...extra }],
    version: evr,
    vendor,
  };
}

const fedora29 = rpmRepo('fedora-29', { vendor: 'Fedora Project', role: 'distro' });
const grafanaCom = rpmRepo('grafana-com', { vendor: 'Grafana Labs', role: 'upstream' });
const grafana615 = rpmVersion('grafana-com', 'grafana', '6.1.5-1', { url: 'https://grafana.com', vendor: 'Grafana Labs', sourceName: 'grafana', buildTime: built('2019-04-17'), summary: 'Grafana' });
const fedoraFiller = rpmVersion('fedora-29', 'bash', '4.4.23-6.fc29', { vendor: 'Fedora Project', sourceName: 'bash' });

function nameTaken(r: CheckResult, name: string): NameTakenFinding | undefined {
  return r.findings.find((f): f is NameTakenFinding => f.kind === 'name-taken' && f.name === name);
}

describe('name-taken', () => {
  const seed = analysis({ repos: [fedora29, grafanaCom], profiles: [profile('rpm', ['fedora-29', 'grafana-com'], { name: 'fedora-29' })], current: [fedoraFiller, grafana615] });

  it('the seed: Fedora grafana 6.1.6 over grafana.com\'s 6.1.5 → error, first-comer grafana.com, same software, its users moved', () => {
    const r = runCheck({ submission: rpmSubmission('grafana', '6.1.6-1.fc29', { url: 'https://grafana.org', summary: 'Metrics dashboard' }), analysis: seed, target: 'fedora-29' });
    const f = nameTaken(r, 'grafana')!;
    expect(f.severity).toBe('error');
    expect(f.firstComer).toBe('Grafana Labs');
    expect(f.firstComerRepos).toEqual(['grafana-com']);
    expect(f.firstComerEvidence).toBe('buildTime');
    expect(f.software).toBe('same');
    expect(f.takenBy.map((t) => [t.vendor, t.newest.evr, t.software.verdict, t.inTarget, t.moved])).toEqual([
      ['Grafana Labs', '6.1.5-1', 'same', true, { onUpgrade: true, onSync: true }],
    ]);
    expect(f.winnerBefore).toMatchObject({ repoId: 'grafana-com', evr: '6.1.5-1' });
    expect(f.winnerAfter).toMatchObject({ repoId: SUBMISSION_REPO, evr: '6.1.6-1.fc29', vendor: 'Fedora Project' });
    expect(f.submissionWins).toBe(true);
    expect(f.movesUsersOf).toEqual(['Grafana Labs']);
    expect(f.title).toMatch(/move users of Grafana Labs to Fedora Project/);
    expect(r.distroVendor).toBe('Fedora Project');
    // Nothing else is wrong with it; no upgrade path → skipped.
    expect(r.findings.map((x) => x.kind)).toEqual(['name-taken']);
    expect(r.checks.find((c) => c.kind === 'upgrade-path')!.skipped).toMatch(/no upgrade path/);
  });

  it('a lower version does not win: nobody moved, still a warning (the name is someone else\'s)', () => {
    const r = runCheck({ submission: rpmSubmission('grafana', '6.1.4-1.fc29', { url: 'https://grafana.org' }), analysis: seed, target: 'fedora-29' });
    const f = nameTaken(r, 'grafana')!;
    expect(f.submissionWins).toBe(false);
    expect(f.movesUsersOf).toEqual([]);
    expect(f.takenBy[0]!.moved).toEqual({ onUpgrade: false, onSync: false });
    expect(f.severity).toBe('warning');
  });

  it('grafana.com at a better priority keeps the name for new installs, and its users stay on upgrade: it carries their installed version', () => {
    const a = analysis({ repos: [fedora29, rpmRepo('grafana-com', { vendor: 'Grafana Labs', role: 'upstream', priority: 10 })], profiles: [profile('rpm', ['fedora-29', 'grafana-com'], { name: 'fedora-29' })], current: [fedoraFiller, grafana615] });
    const f = nameTaken(runCheck({ submission: rpmSubmission('grafana', '6.1.6-1.fc29', { url: 'https://grafana.org' }), analysis: a, target: 'fedora-29' }), 'grafana')!;
    expect(f.winnerAfter).toMatchObject({ repoId: 'grafana-com' });
    // grafana.com has nothing newer than 6.1.5, but it carries 6.1.5 itself: libsolv's update
    // candidates keep the installed EVR, so priority 10 holds its users there (real dnf 4.14 does,
    // test/analysis/resolve-dnf-real.test.ts up-heldprio).
    expect(f.movesUsersOf).toEqual([]);
  });

  it('allow_vendor_change=False: new installs get the submission, installed grafana.com users stay', () => {
    const a = analysis({ repos: [fedora29, grafanaCom], profiles: [{ ...profile('rpm', ['fedora-29', 'grafana-com'], { name: 'fedora-29' }), allowVendorChange: false }], current: [fedoraFiller, grafana615] });
    const f = nameTaken(runCheck({ submission: rpmSubmission('grafana', '6.1.6-1.fc29', { url: 'https://grafana.org' }), analysis: a, target: 'fedora-29' }), 'grafana')!;
    expect(f.submissionWins).toBe(true);
    expect(f.takenBy[0]!.moved).toEqual({ onUpgrade: false, onSync: false });
    expect(f.severity).toBe('warning');
  });

  it('a different program under the same name (packet-radio node vs Node.js) → error', () => {
    const ax25 = rpmRepo('hamradio', { vendor: 'Ham Radio Packagers', role: 'third-party' });
    const node = rpmVersion('hamradio', 'node', '0.3.2-7', { url: 'http://www.linuxnode.net/', summary: 'Amateur packet radio node front end', sourceName: 'node', vendor: 'Ham Radio Packagers', buildTime: built('2010-01-01') });
    const a = analysis({ repos: [fedora29, ax25], profiles: [profile('rpm', ['fedora-29', 'hamradio'], { name: 'fedora-29' })], current: [fedoraFiller, node] });
    const r = runCheck({ submission: rpmSubmission('node', '10.15.3-1.fc29', { url: 'https://nodejs.org', summary: 'JavaScript runtime built on V8' }), analysis: a, target: 'fedora-29' });
    const f = nameTaken(r, 'node')!;
    expect(f.software).toBe('different');
    expect(f.severity).toBe('error');
    expect(f.takenBy[0]!.software.evidence.find((e) => e.signal === 'url')!.verdict).toBe('different');
    expect(f.title).toMatch(/a different program/);
  });

  it('a Provides taken by another vendor is reported via provides, without a winner verdict', () => {
    const docker = rpmRepo('docker-ce', { vendor: 'Docker Inc.', role: 'upstream' });
    const a = analysis({
      repos: [fedora29, docker],
      profiles: [profile('rpm', ['fedora-29', 'docker-ce'], { name: 'fedora-29' })],
      current: [fedoraFiller, rpmVersion('docker-ce', 'docker-ce', '18.09.6-3', { url: 'https://www.docker.com', vendor: 'Docker', buildTime: built('2019-05-01') })],
    });
    const sub = rpmSubmission('moby-engine', '18.09.6-1.fc29', { url: 'https://mobyproject.org', provides: ['docker-ce', 'docker'] });
    const r = runCheck({ submission: sub, analysis: a, target: 'fedora-29' });
    const f = nameTaken(r, 'docker-ce')!;
    expect(f.via).toBe('provides');
    expect(f.package).toBe('moby-engine');
    expect(f.winnerAfter).toBeNull();
    expect(f.takenBy[0]!.moved).toBeNull();
    // One name-taken and one plain-collision check per subject: the binary and its two Provides.
    expect(r.checks.filter((c) => c.kind === 'name-taken').map((c) => c.subject)).toEqual(['moby-engine', 'docker-ce (Provides of moby-engine)', 'docker (Provides of moby-engine)']);
  });

  it('the distribution shipped the name first (in an earlier release): info when nobody is moved', () => {
    const fedora28 = rpmRepo('fedora-28', { vendor: 'Fedora', role: 'distro' });
    const a = analysis({
      repos: [fedora28, fedora29, grafanaCom],
      profiles: [profile('rpm', ['fedora-28'], { name: 'fedora-28' }), profile('rpm', ['fedora-29'], { name: 'fedora-29' })],
      current: [fedoraFiller, grafana615, rpmVersion('fedora-28', 'grafana', '5.0.0-1.fc28', { buildTime: built('2018-03-01'), url: 'https://grafana.org', vendor: 'Fedora Project' })],
    });
    const f = nameTaken(runCheck({ submission: rpmSubmission('grafana', '6.1.6-1.fc29', { url: 'https://grafana.org' }), analysis: a, target: 'fedora-29' }), 'grafana')!;
    // "Fedora" is "Fedora Project" through vendor-equivalences.
    expect(f.firstComer).toBe('Fedora Project');
    expect(f.firstComerRepos).toEqual(['fedora-28']);
    expect(f.takenBy[0]!.inTarget).toBe(false);
    expect(f.severity).toBe('info');
  });

  it('a bare name without a version: name checks run, lag and upgrade-path are skipped', () => {
    const r = runCheck({ submission: nameSubmission('grafana', null), analysis: seed, target: 'fedora-29' });
    expect(r.format).toBe('rpm');
    const f = nameTaken(r, 'grafana')!;
    expect(f.winnerAfter).toBeNull();
    expect(f.software).toBe('unknown');
    expect(f.severity).toBe('warning');
    expect(r.checks.filter((c) => c.skipped !== null).map((c) => c.kind)).toEqual(['lag', 'upgrade-path']);
  });
});

describe('plain-collision', () => {
  it('the distribution already ships the name from another source → error; a Provides → warning; same source → none', () => {
    const a = analysis({
      repos: [fedora29],
      profiles: [profile('rpm', ['fedora-29'], { name: 'fedora-29' })],
      current: [
        rpmVersion('fedora-29', 'grafana', '5.4.0-1.fc29', { sourceName: 'grafana-legacy', vendor: 'Fedora Project' }),
        rpmVersion('fedora-29', 'dashboards', '1.0-1.fc29', { sourceName: 'dashboards', vendor: 'Fedora Project' }),
        rpmVersion('fedora-29', 'grafana-cli', '6.1.5-1.fc29', { sourceName: 'grafana', vendor: 'Fedora Project' }),
      ],
    });
    const sub: Submission = {
      ...rpmSubmission('grafana', '6.1.6-1.fc29'),
      names: [
        { name: 'grafana', provides: ['dashboards'], url: null, summary: null, sourceName: 'grafana', arch: 'x86_64' },
        { name: 'grafana-cli', provides: [], url: null, summary: null, sourceName: 'grafana', arch: 'x86_64' },
      ],
    };
    const r = runCheck({ submission: sub, analysis: a, target: 'fedora-29' });
    const collisions = r.findings.filter((f) => f.kind === 'plain-collision');
    expect(collisions.map((f) => [f.name, f.severity])).toEqual([
      ['grafana', 'error'],
      ['dashboards', 'warning'],
    ]);
    expect(collisions[0]).toMatchObject({ submittedSource: 'grafana', shippedBy: [{ repoId: 'fedora-29', evr: '5.4.0-1.fc29', sourceName: 'grafana-legacy' }] });
    // The distribution's own vendor is never "another vendor".
    expect(r.findings.some((f) => f.kind === 'name-taken')).toBe(false);
    expect(r.checks.find((c) => c.kind === 'plain-collision' && c.subject === 'grafana-cli')!.findings).toEqual([]);
  });
});

describe('lag', () => {
  it('against the newest upstream release of the same software, history included; another program is ignored', () => {
    const other = rpmRepo('grafana-fork', { vendor: 'Somebody', role: 'upstream' });
    const a = analysis({
      repos: [fedora29, grafanaCom, other],
      profiles: [profile('rpm', ['fedora-29', 'grafana-com'], { name: 'fedora-29' })],
      current: [
        fedoraFiller,
        grafana615,
        rpmVersion('grafana-com', 'grafana', '6.2.0-1', { url: 'https://grafana.com', buildTime: built('2019-05-10') }),
        rpmVersion('grafana-fork', 'grafana', '9.0.0-1', { url: 'https://example.net/fork', summary: 'Weather station recorder', buildTime: built('2019-01-01') }),
      ],
      history: [interval(rpmVersion('grafana-com', 'grafana', '6.1.7-1', { url: 'https://grafana.com', buildTime: built('2019-05-05') }), at('2019-05-12'))],
    });
    const r = runCheck({ submission: rpmSubmission('grafana', '6.1.6-1.fc29', { url: 'https://grafana.org', summary: 'Metrics dashboard and graph editor' }), analysis: a, target: 'fedora-29' });
    const lag = r.findings.find((f) => f.kind === 'lag');
    expect(lag).toMatchObject({
      severity: 'warning',
      gap: 'minor',
      newerReleases: 2,
      submitted: { evr: '6.1.6-1.fc29', upstreamVersion: '6.1.6' },
      upstream: { repoId: 'grafana-com', upstreamVersion: '6.2.0' },
      // A minor behind since the first newer minor (6.2.0); the 6.1.7 patch from history still counts as a newer release.
      behindSince: at('2019-05-10'),
      daysBehind: 12,
    });
  });

  it('an alias name counts; a version at upstream\'s newest is no finding', () => {
    const go = rpmRepo('go-upstream', { vendor: 'The Go Authors', role: 'upstream' });
    const a = analysis({
      repos: [fedora29, go],
      profiles: [profile('rpm', ['fedora-29'], { name: 'fedora-29' })],
      current: [fedoraFiller, rpmVersion('go-upstream', 'go', '1.12.5-1', { url: 'https://golang.org' })],
      aliases: new Map([['golang', ['go']]]),
    });
    const behind = runCheck({ submission: rpmSubmission('golang', '1.11.10-1.fc29', { url: 'https://golang.org' }), analysis: a, target: 'fedora-29' });
    expect(behind.findings.find((f) => f.kind === 'lag')).toMatchObject({ gap: 'minor', upstream: { name: 'go' } });
    const current = runCheck({ submission: rpmSubmission('golang', '1.12.5-1.fc29', { url: 'https://golang.org' }), analysis: a, target: 'fedora-29' });
    expect(current.findings.find((f) => f.kind === 'lag')).toBeUndefined();
    expect(current.checks.find((c) => c.kind === 'lag')).toMatchObject({ skipped: null, findings: [] });
  });
});

describe('upgrade-path', () => {
  const f28 = rpmRepo('fedora-28', { vendor: 'Fedora Project', role: 'distro' });
  const f28u = rpmRepo('fedora-28-updates', { vendor: 'Fedora Project', role: 'distro' });
  const f30 = rpmRepo('fedora-30', { vendor: 'Fedora Project', role: 'distro' });
  const a = analysis({
    repos: [f28, f28u, fedora29, f30, grafanaCom],
    profiles: [profile('rpm', ['fedora-28', 'fedora-28-updates', 'grafana-com'], { name: 'fedora-28' }), profile('rpm', ['fedora-29', 'grafana-com'], { name: 'fedora-29' }), profile('rpm', ['fedora-30', 'grafana-com'], { name: 'fedora-30' })],
    upgradePaths: [upgradePath('fedora', ['fedora-28', 'fedora-29', 'fedora-30'])],
    current: [
      fedoraFiller,
      grafana615,
      rpmVersion('fedora-28', 'grafana', '5.4.0-1.fc28'),
      rpmVersion('fedora-28-updates', 'grafana', '6.2.0-1.fc28'),
      rpmVersion('fedora-30', 'grafana', '6.1.0-1.fc30'),
    ],
  });

  it('below an earlier release (updates included) → error; above the next release → warning', () => {
    const r = runCheck({ submission: rpmSubmission('grafana', '6.1.6-1.fc29', { url: 'https://grafana.org' }), analysis: a, target: 'fedora-29' });
    const steps = r.findings.filter((f) => f.kind === 'upgrade-path');
    expect(steps.map((f) => [f.problem, f.severity, f.other.repoId, f.other.evr, f.gap])).toEqual([
      ['below-earlier', 'error', 'fedora-28-updates', '6.2.0-1.fc28', 'minor'],
      ['above-next', 'warning', 'fedora-30', '6.1.0-1.fc30', 'patch'],
    ]);
    expect(r.upgradePaths).toEqual(['fedora']);
    expect(r.checks.filter((c) => c.kind === 'upgrade-path').map((c) => c.subject)).toEqual(['fedora: fedora-28 → fedora-29 (grafana)', 'fedora: fedora-29 → fedora-30 (grafana)']);
  });

  it('between the neighbours: both steps pass (the third-party repo on the path is not the distribution)', () => {
    const r = runCheck({ submission: rpmSubmission('grafana', '6.1.0-1.fc29'), analysis: { ...a, current: a.current.filter((v) => v.repoId !== 'fedora-28-updates') }, target: 'fedora-29' });
    expect(r.findings.filter((f) => f.kind === 'upgrade-path')).toEqual([]);
    expect(r.checks.filter((c) => c.kind === 'upgrade-path' && c.skipped === null && c.findings.length === 0)).toHaveLength(2);
  });
});

describe('deb profiles', () => {
  it('a Debian submission over grafana.com\'s apt repo: apt\'s rules decide, its users are moved', () => {
    const debian = debRepo('bookworm', { vendor: 'Debian', role: 'distro' });
    const grafanaApt = debRepo('grafana-apt', { vendor: 'Grafana Labs', role: 'upstream' });
    const a = analysis({
      repos: [debian, grafanaApt],
      profiles: [profile('deb', ['bookworm', 'grafana-apt'], { name: 'bookworm-grafana' })],
      current: [debVersion('bookworm', 'bash', '5.2.15-2'), debVersion('grafana-apt', 'grafana', '6.1.5', { url: 'https://grafana.com', arch: 'amd64', firstSeen: at('2019-04-17') })],
    });
    const sub: Submission = {
      kind: 'debian',
      path: '/src/grafana/debian',
      format: 'deb',
      sourceName: 'grafana',
      names: [{ name: 'grafana', provides: [], url: 'https://grafana.com', summary: null, sourceName: 'grafana', arch: 'any' }],
      version: '6.1.6+dfsg-1',
      vendor: null,
    };
    const r = runCheck({ submission: sub, analysis: a, target: 'bookworm-grafana' });
    const f = nameTaken(r, 'grafana')!;
    expect(f.firstComerEvidence).toBe('firstSeen');
    expect(f.winnerAfter).toMatchObject({ repoId: SUBMISSION_REPO, arch: 'amd64' });
    expect(f.movesUsersOf).toEqual(['Grafana Labs']);
    expect(f.severity).toBe('error');
  });
});

describe('usage errors', () => {
  const a = analysis({ repos: [fedora29, grafanaCom], profiles: [profile('rpm', ['fedora-29', 'grafana-com'], { name: 'fedora-29' }), profile('rpm', ['grafana-com'], { name: 'vendor-only' }), profile('deb', ['grafana-com'], { name: 'deb' })], current: [] });
  it('unknown target, a target without a distro repo, a format mismatch', () => {
    expect(() => runCheck({ submission: rpmSubmission('x', '1-1'), analysis: a, target: 'nope' })).toThrow(UsageError);
    expect(() => runCheck({ submission: rpmSubmission('x', '1-1'), analysis: a, target: 'vendor-only' })).toThrow(/no enabled distro repo/);
    expect(() => runCheck({ submission: rpmSubmission('x', '1-1'), analysis: a, target: 'deb' })).toThrow(/rpm submission cannot be checked against the deb profile/);
  });
});

describe('formats', () => {
  it('another format\'s repos are another namespace: an apt repo\'s grafana does not take an rpm name', () => {
    const grafanaApt = debRepo('grafana-apt', { vendor: 'Grafana Labs', role: 'upstream' });
    const a = analysis({ repos: [fedora29, grafanaApt], profiles: [profile('rpm', ['fedora-29'], { name: 'fedora-29' })], current: [fedoraFiller, debVersion('grafana-apt', 'grafana', '6.1.5', { url: 'https://grafana.com' })] });
    const r = runCheck({ submission: rpmSubmission('grafana', '6.1.6-1.fc29', { url: 'https://grafana.org' }), analysis: a, target: 'fedora-29' });
    expect(r.findings).toEqual([]);
    expect(r.checks.find((c) => c.kind === 'lag')!.skipped).toMatch(/no upstream repo/);
  });
});
