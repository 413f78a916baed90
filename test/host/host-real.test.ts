/**
 * `repoclash host --root` against the real package managers. Real installroots (rpm --initdb,
 * rpm -i of real rpms) and a private apt root (dpkg status file, sources, preferences) are audited
 * by a spawned `repoclash host --root ROOT --format json`, and the same roots go to the real
 * `dnf --assumeno upgrade|distro-sync` and `apt-get -s upgrade|dist-upgrade`. Package by
 * package, the predicted action and target must agree: zero disagreements.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostReport } from '../../src/host/types.js';
import { aptConfigForRoot, aptUpdate, aptUpgradePlan, debSourceLine, writeDebHostRoot, type AptRoot, type DpkgStatusEntry } from '../support/apt.js';
import { buildDebRepo, type DebSpec, type DebSuite } from '../support/deb-repo.js';
import { dnfUpgradePlan, seedInstalled, type DnfContext, type DnfPlanItem, type DnfRepo } from '../support/dnf.js';
import { makeThrowawayKey, type GpgKey } from '../support/gpg.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { buildRpmRepo, buildRpms, type RpmSpec } from '../support/rpm-repo.js';
import { repoclash as runCli, type Run, type RunOptions } from '../support/cli.js';
import { aptActions, dnfActions, disagreements, hostReport, repoclashAptActions, repoclashDnfActions as repoclashActions } from '../support/host-compare.js';
import { tearDown } from '../support/teardown.js';

let work: string;
let server: RepoServer;
let key: GpgKey;
let emptyDir: string;

/**
 * HOME stays the same: Debian's rpm finds the installroot's rpmdb at ROOT/$HOME/.rpmdb. As a new
 * user would run it: from an empty directory, no repos.yaml of its own (the shipped one loads).
 */
const asNewUser = (): RunOptions => ({ home: 'inherited', env: { XDG_CONFIG_HOME: path.join(emptyDir, 'config') } });

function repoclash(args: string[]): Promise<Run> {
  return runCli(emptyDir, args, asNewUser());
}

async function hostJson(root: string, label: string, extra: string[] = []): Promise<{ run: Run; report: HostReport }> {
  return hostReport(emptyDir, ['--root', root, '--format', 'json', '--db', path.join(work, `${label}.db`), '--cache', path.join(work, `${label}-cache`), ...extra], asNewUser());
}

// ---------------------------------------------------------------- dnf ----------------------------

const FEDORA = 'Fedora Project';
const GRAFANA = 'Grafana Labs';
const PRIO = 'Prio Inc';
const pkg = (name: string, version: string, vendor: string, extra: Partial<RpmSpec> = {}): RpmSpec => ({ name, version, release: '1', vendor, ...extra });

/** Each name is one scenario. */
const RPM_REPOS: Array<{ repo: Omit<DnfRepo, 'baseurl'>; rpms: RpmSpec[] }> = [
  {
    repo: { id: 'fedora' },
    rpms: [pkg('vc', '1.0', FEDORA), pkg('same', '1.0', FEDORA), pkg('ep', '1.0', FEDORA, { epoch: 1 }), pkg('excl', '1.0', FEDORA), pkg('newer', '2.0', FEDORA), pkg('prio-up', '1.0', FEDORA), pkg('locked', '1.0', FEDORA)],
  },
  { repo: { id: 'updates' }, rpms: [pkg('same', '1.1', FEDORA), pkg('locked', '1.1', FEDORA)] },
  {
    repo: { id: 'grafana', excludepkgs: ['excl'] },
    rpms: [pkg('vc', '2.0', GRAFANA), pkg('ep', '2.0', GRAFANA), pkg('excl', '2.0', GRAFANA), pkg('prio-up', '2.0', GRAFANA), pkg('down', '3.0', GRAFANA), pkg('locked', '2.0', GRAFANA)],
  },
  { repo: { id: 'prio10', priority: 10 }, rpms: [pkg('prio-up', '1.5', PRIO), pkg('down', '1.0', PRIO)] },
  { repo: { id: 'cheap', cost: 500 }, rpms: [pkg('same', '1.1', 'Cheap Co')] },
];

const RPM_INSTALLED: RpmSpec[] = [
  pkg('vc', '1.0', FEDORA),
  pkg('same', '1.0', FEDORA),
  pkg('ep', '1.0', FEDORA, { epoch: 1 }),
  pkg('excl', '1.0', FEDORA),
  pkg('newer', '3.0', FEDORA),
  pkg('prio-up', '1.0', FEDORA),
  pkg('down', '3.0', GRAFANA),
  pkg('gone', '1.0', FEDORA),
  pkg('locked', '1.0', FEDORA),
];

let dnfRepos: DnfRepo[];
let installedRpms: string[];


async function rpmRoot(label: string, allowVendorChange?: boolean): Promise<DnfContext> {
  const installroot = path.join(work, `rpm-root-${label}`);
  await seedInstalled(installroot, installedRpms);
  return { installroot, repos: dnfRepos, ...(allowVendorChange === undefined ? {} : { allowVendorChange }) };
}

// ---------------------------------------------------------------- apt ----------------------------

const v = (name: string, version: string): DebSpec => ({ name, version });
const DISTRO: DebSuite = {
  suite: 'stable',
  codename: 'bookworm',
  origin: 'Distro',
  label: 'Distro',
  components: ['main'],
  packages: { main: [v('plain', '1.0-1'), v('up', '1.1-1'), v('pinned', '1.0-1'), v('down', '2.0-1'), v('newer', '2.0-1'), v('epoch', '1:1.0-1'), v('blockvendor', '1.0-1')] },
};
const VENDOR: DebSuite = {
  suite: 'current',
  codename: 'vendorcode',
  origin: 'Vendor',
  label: 'Vendor',
  components: ['main'],
  packages: { main: [v('plain', '2.0-1'), v('pinned', '2.0-1'), v('epoch', '2.0-1'), v('blockvendor', '2.0-1'), v('vendoronly', '2.0-1')] },
};
const DEB_INSTALLED: DpkgStatusEntry[] = [
  { name: 'plain', version: '1.0-1' },
  { name: 'up', version: '1.0-1' },
  { name: 'pinned', version: '1.0-1' },
  { name: 'down', version: '3.0-1' },
  { name: 'newer', version: '3.0-1' },
  { name: 'gone', version: '1.0-1' },
  { name: 'epoch', version: '1:1.0-1' },
  { name: 'blockvendor', version: '1.0-1' },
  { name: 'vendoronly', version: '1.0-1' },
  { name: 'removed', version: '1.0-1', status: 'deinstall ok config-files' },
];
const DEB_PREFERENCES = `Package: pinned
Pin: release o=Distro
Pin-Priority: 990

Package: down
Pin: release o=Distro
Pin-Priority: 1001

Package: blockvendor
Pin: origin localhost
Pin-Priority: -1
`;

/** A root as `repoclash host --root` reads it, and an APT_CONFIG that makes real apt read the same files. */
async function aptRootFor(label: string): Promise<{ root: string; apt: AptRoot }> {
  const root = path.join(work, `apt-root-${label}`);
  const state = path.join(work, `apt-state-${label}`);
  await writeDebHostRoot(root, {
    // Two hosts for two origins: `Pin: origin` needs them apart.
    sources: [debSourceLine({ uri: `${server.url}/distro`, suite: 'stable', components: ['main'] }), debSourceLine({ uri: `${server.url.replace('127.0.0.1', 'localhost')}/vendor`, suite: 'current', components: ['main'] })],
    keyring: key.publicKeyringPath,
    installed: DEB_INSTALLED,
    preferences: DEB_PREFERENCES,
  });
  return { root, apt: await aptConfigForRoot(root, state) };
}


// ---------------------------------------------------------------- setup --------------------------

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-host-real-'));
  const srv = path.join(work, 'srv');
  for (const { repo, rpms } of RPM_REPOS) await buildRpmRepo({ dir: path.join(srv, repo.id), rpms });
  key = await makeThrowawayKey(path.join(work, 'key'));
  await buildDebRepo({ dir: path.join(srv, 'distro'), suites: [DISTRO], sign: key });
  await buildDebRepo({ dir: path.join(srv, 'vendor'), suites: [VENDOR], sign: key });
  server = await startRepoServer({ root: srv });
  dnfRepos = RPM_REPOS.map(({ repo }) => ({ ...repo, baseurl: `${server.url}/${repo.id}/` }));
  installedRpms = await buildRpms(RPM_INSTALLED, path.join(work, 'installed-rpms'));
  emptyDir = path.join(work, 'empty');
  await mkdir(emptyDir);
}, 120_000);

afterAll(() => tearDown(work, server, key));

describe('repoclash host --root: the root itself', () => {
  it('a missing or unreadable --root is its own one-line error (exit 2), not a repos.yaml message', async () => {
    const missing = await repoclash(['host', '--root', path.join(work, 'no-such-root'), '--db', path.join(work, 'x.db')]);
    expect(missing.code).toBe(2);
    // One line (usage errors may end with a pointer to --help).
    expect(missing.stderr).toMatch(new RegExp(`^repoclash: --root ${path.join(work, 'no-such-root')}: no such directory[^\\n]*\\n$`));
    const file = path.join(work, 'a-file');
    await writeFile(file, '');
    const notDir = await repoclash(['host', '--root', file, '--db', path.join(work, 'x.db')]);
    expect(notDir.code).toBe(2);
    expect(notDir.stderr).toMatch(new RegExp(`^repoclash: --root ${file}: not a directory[^\\n]*\\n$`));
  });
});

describe('repoclash host --root against real dnf', () => {
  const names = RPM_INSTALLED.map((s) => s.name);

  it('allow_vendor_change default: vendor change, epoch, priority, cost, excludepkgs, stranded, distro-sync downgrade — zero disagreements', async () => {
    const ctx = await rpmRoot('default');
    const [upgrade, sync] = [await dnfUpgradePlan(ctx), await dnfUpgradePlan({ ...ctx, command: 'distro-sync' })];
    const { run, report } = await hostJson(ctx.installroot, 'rpm-default');
    expect(report.installedCount).toBe(RPM_INSTALLED.length);
    // No --config: the shipped repos.yaml's Debian repos need $debian_mirror, which an RPM root
    // lacks. They are skipped with one note, never an error.
    expect(report.skippedRepos.map((r) => r.variable)).toContain('debian_mirror');
    expect(report.notes).toHaveLength(1);
    expect(report.notes[0]).toMatch(/skipped \d+ repos that need \$debian_mirror/);
    expect(disagreements(dnfActions(upgrade.items), repoclashActions(report, false), names)).toEqual([]);
    expect(disagreements(dnfActions(sync.items), repoclashActions(report, true), names)).toEqual([]);
    // The scenarios do what they are meant to, so agreement is not agreement on nothing.
    const by = new Map(report.packages.map((p) => [p.name, p]));
    expect(by.get('vc')?.action).toBe('vendor-change');
    expect(by.get('prio-up')?.to?.repo).toBe('prio10');
    expect(by.get('down')?.syncAction).toBe('downgrade');
    expect(by.get('gone')?.action).toBe('stranded');
    expect(by.get('newer')?.action).toBe('stranded');
    // ep (epoch 1 beats 2.0) and excl (grafana's is excluded) stay: listed only for their clash,
    // Fedora's header Vendor against Grafana's.
    for (const name of ['ep', 'excl']) expect(by.get(name), name).toMatchObject({ action: 'none', syncAction: 'none', history: { clash: expect.anything() } });
    expect(run.code).toBe(1);
    // The fix for the vendor change names the right .repo file and section, and works.
    const fix = by.get('vc')!.fixes[0]!;
    expect(fix).toMatchObject({ kind: 'dnf-excludepkgs', section: 'grafana', text: 'excludepkgs=excl,vc', verified: true });
    expect(fix.file).toBe(path.join(ctx.installroot, 'etc/yum.repos.d/repoclash-test.repo'));
  }, 120_000);

  it('applying the suggested excludepkgs fixes makes real dnf keep the vendor', async () => {
    const ctx = await rpmRoot('fixed');
    // dnfUpgradePlan writes the root's .repo file and dnf.conf.
    const before = await dnfUpgradePlan(ctx);
    expect(before.items.filter((i) => i.fromVendor !== i.vendor).length).toBeGreaterThan(0);
    const { report } = await hostJson(ctx.installroot, 'rpm-fixed');
    // The merged lines, one per section, exactly as printed.
    const excludes = new Map(report.combinedFixes.map((f) => [f.section!, f.text.replace(/^excludepkgs=/, '').split(',')]));
    // cheap (cost 500) takes `same` from another vendor; fedora and prio10 would pull `newer` and `down` down on distro-sync.
    expect([...excludes.keys()].sort()).toEqual(['cheap', 'fedora', 'grafana', 'prio10']);
    expect(excludes.get('grafana')).toEqual(expect.arrayContaining(['excl', 'vc', 'prio-up']));
    const repos = dnfRepos.map((r) => (excludes.has(r.id) ? { ...r, excludepkgs: [...new Set([...(r.excludepkgs ?? []), ...excludes.get(r.id)!])] } : r));
    const upgrade = await dnfUpgradePlan({ ...ctx, repos });
    expect(upgrade.items.filter((i) => i.fromVendor !== i.vendor)).toEqual([]);
    expect(upgrade.items.map((i) => i.name)).toContain('same');
    const sync = await dnfUpgradePlan({ ...ctx, repos, command: 'distro-sync' });
    expect(sync.items.filter((i) => i.action === 'downgrade' || i.fromVendor !== i.vendor)).toEqual([]);
    const after = await hostJson(ctx.installroot, 'rpm-fixed');
    expect(after.report.packages.filter((p) => p.action === 'vendor-change')).toEqual([]);
  }, 120_000);

  it('allow_vendor_change=False in ROOT/etc/dnf/dnf.conf — zero disagreements', async () => {
    const ctx = await rpmRoot('locked', false);
    const [upgrade, sync] = [await dnfUpgradePlan(ctx), await dnfUpgradePlan({ ...ctx, command: 'distro-sync' })];
    const { report } = await hostJson(ctx.installroot, 'rpm-locked');
    expect(disagreements(dnfActions(upgrade.items), repoclashActions(report, false), names)).toEqual([]);
    expect(disagreements(dnfActions(sync.items), repoclashActions(report, true), names)).toEqual([]);
    const by = new Map(report.packages.map((p) => [p.name, p]));
    // Locked to its vendor, vc stays: listed only for its clash (Fedora's header against Grafana's).
    expect(by.get('vc')).toMatchObject({ action: 'none', syncAction: 'none', history: { clash: expect.anything() } });
    expect(by.get('locked')?.action).toBe('upgrade');
    expect(by.get('locked')?.to?.repo).toBe('updates');
  }, 120_000);
});

describe('repoclash host --root against real apt', () => {
  const names = DEB_INSTALLED.map((s) => s.name);

  it('vendor change, pins 990 / 1001 / -1, epoch, stranded — zero disagreements with apt-get -s upgrade and dist-upgrade', async () => {
    const { root, apt } = await aptRootFor('a');
    await aptUpdate(apt);
    const [upgrade, full] = [await aptUpgradePlan(apt), await aptUpgradePlan(apt, { full: true })];
    const { run, report } = await hostJson(root, 'apt-a');
    expect(report.manager).toBe('apt');
    // Suite `stable` under a path that is not /debian, with no apt lists saying Origin: Debian: not
    // the Debian archive, so $debian_mirror is not taken from it.
    expect(report.skippedRepos.map((r) => r.id)).toContain('bookworm');
    expect(report.installedCount).toBe(DEB_INSTALLED.length - 1);
    expect(disagreements(aptActions(upgrade.items), repoclashAptActions(report, false), names)).toEqual([]);
    expect(disagreements(aptActions(full.items), repoclashAptActions(report, true), names)).toEqual([]);
    const by = new Map(report.packages.map((p) => [p.name, p]));
    expect(by.get('plain')?.action).toBe('vendor-change');
    expect(by.get('plain')?.from.repo).toMatch(/distro:stable$/);
    expect(by.get('down')?.action).toBe('downgrade');
    expect(by.get('gone')?.action).toBe('stranded');
    expect(by.get('newer')?.action).toBe('stranded');
    expect(by.get('up')?.action).toBe('upgrade');
    expect(by.has('pinned') && by.get('pinned')!.action !== 'none').toBe(false);
    expect(run.code).toBe(1);
    const fix = by.get('plain')!.fixes[0]!;
    expect(fix).toMatchObject({ kind: 'apt-preferences', verified: true });
    expect(fix.file).toBe(path.join(root, 'etc/apt/preferences.d/repoclash-plain.pref'));
    expect(fix.text).toContain('Package: plain\nPin: release o=Vendor\nPin-Priority: -1');
    expect(by.get('down')!.fixes[0]!.text).toContain(`${path.join(root, 'etc/apt/preferences')}:5`);
  }, 120_000);

  it('the suggested preferences stanza, written where it says, makes real apt keep the vendor', async () => {
    const { root, apt } = await aptRootFor('b');
    const { report } = await hostJson(root, 'apt-b');
    const fixes = report.packages.filter((p) => p.action === 'vendor-change').map((p) => p.fixes[0]!);
    expect(fixes.length).toBeGreaterThan(0);
    for (const f of fixes) await writeFile(f.file!, f.text);
    await aptUpdate(apt);
    const upgrade = await aptUpgradePlan(apt);
    expect(upgrade.items.map((i) => i.name)).not.toContain('plain');
    const after = await hostJson(root, 'apt-b');
    expect(after.report.packages.filter((p) => p.action === 'vendor-change')).toEqual([]);
  }, 120_000);
});
