/**
 * resolveApt against real apt: the same repositories (built with dpkg-deb + apt-ftparchive, served
 * on loopback, read back with the project's Packages parser) and the same preferences go to both;
 * every version's pin priority, every candidate and every upgrade / dist-upgrade step must agree.
 * Each package name is one scenario; two apt configurations cover them all.
 */
import { appendFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePreferences } from '../../src/config/apt-preferences.js';
import type { DebRepoConfig, RepoConfig } from '../../src/config/types.js';
import { resolveApt } from '../../src/analysis/resolve/apt.js';
import type { AptReleaseFacts, Candidate, InstalledPackage, Resolution } from '../../src/analysis/types.js';
import { aptCache, aptUpdate, aptUpgradePlan, debSourceLine, makeAptRoot, parseAptPolicy, type AptPolicy, type AptRoot, type DpkgStatusEntry } from '../support/apt.js';
import { buildDebRepo, type DebSpec, type DebSuite } from '../support/deb-repo.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { candidatesFromPackages } from '../support/candidates-from-repo.js';
import { debRepo, profile } from '../support/config-builders.js';
import { tearDown } from '../support/teardown.js';

const v = (name: string, version: string): DebSpec => ({ name, version });

/** Suites of the distro archive (served as 127.0.0.1) and the vendor's (served as localhost). */
const DISTRO_SUITES: DebSuite[] = [
  {
    suite: 'stable',
    codename: 'bookworm',
    origin: 'Distro',
    label: 'Distro',
    version: '12.5',
    components: ['main'],
    packages: {
      main: [
        v('plain', '1.0-1'),
        v('exp', '1.0-1'),
        v('bpo', '1.0-1'),
        v('pin1001', '1.0-1'),
        v('neg', '1.0-1'),
        v('epoch', '1:1.0-1'),
        v('insthigh', '1.0-1'),
        v('orig', '2.0-1'),
        v('ver', '1.5-1'),
        v('gl-a', '1.0-1'),
        v('up', '1.1-1'),
        v('expinst', '1.0-1'),
        v('general', '1.0-1'),
        v('rx-a', '1.0-1'),
        { name: 'binfromsrc', version: '1.0-1', source: 'srcpkg' },
        v('bare', '1.0-1'),
        { name: 'archpkg', version: '1.0-1', arch: 'amd64' },
        v('blockall', '2.0-1'),
      ],
    },
  },
  {
    suite: 'experimental',
    codename: 'rc-buggy',
    origin: 'Distro',
    label: 'Distro',
    notAutomatic: true,
    components: ['main'],
    packages: { main: [v('exp', '2.0-1'), v('exponly', '2.0-1'), v('gl-a', '2.0-1'), v('expinst', '2.0-1'), v('bare', '2.0-1')] },
  },
  {
    suite: 'backports',
    codename: 'bookworm-backports',
    origin: 'Distro',
    label: 'Distro Backports',
    notAutomatic: true,
    butAutomaticUpgrades: true,
    components: ['main'],
    packages: { main: [v('bpo', '1.1-1~bpo12+1'), v('bpo-inst', '1.2-1~bpo12+1'), v('bpo-only', '1.1-1~bpo12+1'), v('rx-a', '1.1-1~bpo12+1')] },
  },
];

const VENDOR_SUITES: DebSuite[] = [
  {
    suite: 'current',
    codename: 'vendorcode',
    origin: 'Vendor',
    label: 'Vendor',
    components: ['main'],
    packages: {
      main: [v('plain', '2.0-1'), v('neg', '2.0-1'), v('negall', '1.0-1'), v('epoch', '2.0-1'), v('insthigh', '2.0-1'), v('orig', '1.0-1'), v('ver', '2.0-1'), v('general', '2.0-1'),
        { name: 'binfromsrc', version: '2.0-1', source: 'srcpkg' },
        v('archpkg', '2.0-1'),
      ],
    },
  },
];

const STATUS: DpkgStatusEntry[] = [
  { name: 'bpo-inst', version: '1.1-1~bpo12+1' },
  { name: 'pin1001', version: '2.0-1' },
  { name: 'insthigh', version: '3.0-1' },
  { name: 'stranded', version: '1.0-1' },
  { name: 'up', version: '1.0-1' },
  { name: 'expinst', version: '1.0-1' },
  { name: 'neg', version: '1.0-1' },
  { name: 'blockall', version: '1.0-1' },
];

/** Root A: specific pins of every kind; no default release. */
const PREFS_A = `Package: pin1001
Pin: release n=bookworm
Pin-Priority: 1001

Package: neg negall
Pin: release o=Vendor
Pin-Priority: -10

Package: orig
Pin: origin localhost
Pin-Priority: 990

Package: ver
Pin: version 1.5*
Pin-Priority: 995

Package: gl-*
Pin: release a=experimental
Pin-Priority: 600

Package: /^rx-/
Pin: release l=Distro Backports
Pin-Priority: 600

Package: src:srcpkg
Pin: release v=12*
Pin-Priority: 700

Package: bare
Pin: release rc-buggy
Pin-Priority: 650

Package: blockall
Pin: version *
Pin-Priority: -5
`;

/** Root B: Default-Release, a general pin, and a repo pinPriority (written for apt as the first stanza). */
const PREFS_B = `Package: *
Pin: release o=Vendor
Pin-Priority: 400

Package: pin1001
Pin: release a=stable
Pin-Priority: 1001

Package: general
Pin: release o=Vendor
Pin-Priority: 995
`;
const BACKPORTS_PIN_B = 995;

let work: string;
let server: RepoServer;
let candidates: Candidate[];
let releases: Map<string, AptReleaseFacts>;
let installed: InstalledPackage[];
const names = new Set<string>();

function repoConfigs(backportsPin?: number): Map<string, RepoConfig> {
  const base = (suite: string, host: string, archive: string, over: Partial<DebRepoConfig> = {}): DebRepoConfig =>
    debRepo(suite, { uri: `http://${host}/${archive}/`, suite, vendor: archive === 'vendor' ? 'Vendor' : 'Distro', ...over });
  const list = [
    base('stable', '127.0.0.1', 'distro'),
    base('experimental', '127.0.0.1', 'distro'),
    base('backports', '127.0.0.1', 'distro', backportsPin === undefined ? {} : { pinPriority: backportsPin }),
    base('current', 'localhost', 'vendor'),
  ];
  return new Map(list.map((r) => [r.id, r]));
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-resolve-apt-'));
  const srv = path.join(work, 'srv');
  await buildDebRepo({ dir: path.join(srv, 'distro'), suites: DISTRO_SUITES });
  await buildDebRepo({ dir: path.join(srv, 'vendor'), suites: VENDOR_SUITES });
  server = await startRepoServer({ root: srv });
  const configs = repoConfigs();
  candidates = [];
  releases = new Map();
  for (const [archive, suites, host] of [['distro', DISTRO_SUITES, '127.0.0.1'], ['vendor', VENDOR_SUITES, 'localhost']] as const) {
    for (const s of suites) {
      const config = configs.get(s.suite) as DebRepoConfig;
      candidates.push(...(await candidatesFromPackages(path.join(srv, archive, 'dists', s.suite, 'main', 'binary-amd64', 'Packages'), config)));
      releases.set(s.suite, {
        origin: s.origin ?? null,
        label: s.label ?? null,
        archive: s.suite,
        codename: s.codename ?? null,
        version: s.version ?? null,
        notAutomatic: s.notAutomatic ?? false,
        butAutomaticUpgrades: s.butAutomaticUpgrades ?? false,
        host,
        components: s.components,
      });
    }
  }
  for (const c of candidates) names.add(c.name);
  installed = STATUS.map((e) => {
    const m = /^(?:(\d+):)?(.*?)(?:-([^-]*))?$/.exec(e.version)!;
    names.add(e.name);
    return { name: e.name, arch: 'all', epoch: Number(m[1] ?? 0), version: m[2]!, release: m[3] ?? '', evr: e.version, vendor: null, installTime: null };
  });
}, 120_000);

afterAll(() => tearDown(work, server));

async function aptRoot(label: string, preferences: string, defaultRelease?: string): Promise<AptRoot> {
  const port = new URL(server.url).port;
  const root = await makeAptRoot(path.join(work, `root-${label}`), {
    sources: [
      debSourceLine({ uri: `http://127.0.0.1:${port}/distro`, suite: 'stable', components: ['main'], trusted: true }),
      debSourceLine({ uri: `http://127.0.0.1:${port}/distro`, suite: 'experimental', components: ['main'], trusted: true }),
      debSourceLine({ uri: `http://127.0.0.1:${port}/distro`, suite: 'backports', components: ['main'], trusted: true }),
      debSourceLine({ uri: `http://localhost:${port}/vendor`, suite: 'current', components: ['main'], trusted: true }),
    ],
    preferences,
    status: STATUS,
  });
  if (defaultRelease !== undefined) await appendFile(root.configPath, `APT::Default-Release ${JSON.stringify(defaultRelease)};\n`);
  await aptUpdate(root);
  return root;
}

/** `apt-cache policy` for many names at once, split per package. */
async function policies(root: AptRoot, wanted: string[]): Promise<Map<string, AptPolicy>> {
  const r = await aptCache(root, ['policy', ...wanted]);
  if (r.code !== 0) throw new Error(r.stderr);
  const out = new Map<string, AptPolicy>();
  for (const chunk of r.stdout.split(/^(?=\S+:$)/m)) {
    const name = /^(\S+):$/m.exec(chunk)?.[1];
    if (name) out.set(name, parseAptPolicy(chunk));
  }
  return out;
}

/** What apt says and what resolveApt says, in one comparable shape per name. */
function aptView(p: AptPolicy | undefined): string {
  if (!p) return 'unknown to apt';
  return `candidate=${p.candidate ?? '(none)'} ${p.versions.map((x) => `${x.version}@${x.priority}${x.installed ? '*' : ''}`).join(' ')}`;
}

function ourCandidate(r: Resolution): string {
  if (!r.installed) return r.winner?.evr ?? '(none)';
  if (r.upgradeAction === 'blocked') return '(none)';
  return r.upgradeTo?.evr ?? r.installed.evr;
}

function ourView(r: Resolution | undefined): string {
  if (!r) return 'unknown to apt';
  return `candidate=${ourCandidate(r)} ${(r.versionPriorities ?? []).map((x) => `${x.evr}@${x.priority}${x.installed ? '*' : ''}`).join(' ')}`;
}

function planLines(items: Array<{ action: string; name: string; fromVersion?: string; toVersion?: string }>): string[] {
  return items.map((i) => `${i.action} ${i.name} ${i.fromVersion ?? '-'} -> ${i.toVersion ?? '-'}`).sort();
}

function predictedPlan(resolutions: Resolution[], which: 'upgrade' | 'sync'): string[] {
  const out: string[] = [];
  for (const r of resolutions) {
    const action = which === 'upgrade' ? r.upgradeAction : r.syncAction;
    const to = which === 'upgrade' ? r.upgradeTo : r.syncTo;
    if (!r.installed || !to || action === undefined) continue;
    out.push(`${action === 'downgrade' ? 'downgrade' : 'upgrade'} ${r.name} ${r.installed.evr} -> ${to.evr}`);
  }
  return out.sort();
}

async function compareWithApt(label: string, preferences: string, opts: { defaultRelease?: string; backportsPin?: number }): Promise<void> {
  // apt learns the repo pinPriority as the first preferences stanza, as resolveApt reads it.
  const pinStanza = opts.backportsPin === undefined ? '' : `Package: *\nPin: release a=backports\nPin-Priority: ${opts.backportsPin}\n\n`;
  const root = await aptRoot(label, pinStanza + preferences, opts.defaultRelease);
  const resolutions = resolveApt({
    profile: profile('deb', ['stable', 'experimental', 'backports', 'current'], {
      aptPreferences: parsePreferences(preferences, 'preferences'),
      ...(opts.defaultRelease !== undefined ? { defaultRelease: opts.defaultRelease } : {}),
    }),
    repos: repoConfigs(opts.backportsPin),
    candidates,
    releases,
    installed,
  });
  const byName = new Map(resolutions.map((r) => [r.name, r]));
  const apt = await policies(root, [...names]);
  const theirs = Object.fromEntries([...names].sort().map((n) => [n, aptView(apt.get(n))]));
  const ours = Object.fromEntries([...names].sort().map((n) => [n, ourView(byName.get(n))]));
  expect(ours).toEqual(theirs);

  const upgrade = await aptUpgradePlan(root);
  const dist = await aptUpgradePlan(root, { full: true });
  expect(predictedPlan(resolutions, 'upgrade')).toEqual(planLines(upgrade.items));
  expect(predictedPlan(resolutions, 'sync')).toEqual(planLines(dist.items));
  expect(upgrade.items.length).toBeGreaterThan(1);
}

describe('resolveApt agrees with real apt 2.6', () => {
  it('on pins 1001 and -10, Pin: origin, Pin: version, globs, /regex/, src:, l= and v= and bare release pins, NotAutomatic, ButAutomaticUpgrades, epochs, an installed version above every candidate', async () => {
    await compareWithApt('a', PREFS_A, {});
  }, 60_000);

  it('on APT::Default-Release (990), a general pin, a repo pinPriority above the default release, and a 1001 downgrade', async () => {
    await compareWithApt('b', PREFS_B, { defaultRelease: 'bookworm', backportsPin: BACKPORTS_PIN_B });
  }, 60_000);
});
