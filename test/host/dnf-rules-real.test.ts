/**
 * dnf's rules beyond versions and priorities — Obsoletes, install-only packages, modular filtering
 * — through the whole `repoclash host --root R --format json` path (crawl over HTTP on 127.0.0.1,
 * store, host config, resolver), each compared with what real dnf 4 does in the same installroot.
 * Repos are built by rpmbuild + createrepo_c, modules.yaml added with modifyrepo_c.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostReport } from '../../src/host/types.js';
import { repoclash } from '../support/cli.js';
import { dnfUpgradePlan, runDnf, seedInstalled, type DnfContext, type DnfRepo } from '../support/dnf.js';
import { dnfPlanLines, hostReport, planDisagreements, repoclashPlanLines } from '../support/host-compare.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { addModulesYaml, buildRpmRepo, buildRpms, modulesYamlText, type RpmSpec } from '../support/rpm-repo.js';
import { tearDown } from '../support/teardown.js';
import { HOST_REPOS_ONLY_CONFIG } from '../support/repos-yaml.js';

const FEDORA = 'Fedora Project';
const ROCKY = 'Rocky Enterprise Software Foundation';
const DOCKER = 'Docker';
const PGDG = 'PostgreSQL Global Development Group';

let work: string;
let server: RepoServer;
let minimalConfig: string;

const rpm = (name: string, version: string, vendor: string, extra: Partial<RpmSpec> = {}): RpmSpec => ({ name, version, release: '1', vendor, arch: 'x86_64', ...extra });

async function host(root: string, label: string): Promise<HostReport> {
  const { report } = await hostReport(work, ['--root', root, '--format', 'json', '--config', minimalConfig, '--db', path.join(work, `${label}.db`), '--cache', path.join(work, 'cache')], {
    // Debian's rpm keeps an installroot's rpmdb under ROOT/$HOME: the same HOME as dnf's.
    env: { HOME: process.env['HOME'] ?? os.homedir() },
  });
  return report;
}

/** Both commands, real dnf against repoclash: the lines that disagree (none, hopefully) and both sides. */
async function compare(ctx: DnfContext, label: string) {
  // dnf first: the driver writes the root's .repo file and dnf.conf, which repoclash then reads.
  const upgrade = dnfPlanLines(await dnfUpgradePlan({ ...ctx, command: 'upgrade' }));
  const sync = dnfPlanLines(await dnfUpgradePlan({ ...ctx, command: 'distro-sync' }));
  const report = await host(ctx.installroot, label);
  return {
    report,
    upgrade,
    sync,
    wrong: [...planDisagreements(upgrade, repoclashPlanLines(report, false)).map((l) => `upgrade ${l}`), ...planDisagreements(sync, repoclashPlanLines(report, true)).map((l) => `distro-sync ${l}`)],
  };
}

async function root(label: string, installed: RpmSpec[], files: Record<string, string> = {}): Promise<string> {
  const dir = path.join(work, `root-${label}`);
  await seedInstalled(dir, await buildRpms(installed, path.join(work, `inst-${label}`)));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  return dir;
}

const repo = (id: string, extra: Partial<DnfRepo> = {}): DnfRepo => ({ id, baseurl: `${server.url}/${id}/`, ...extra });

// ------------------------------------------------------------------------------ repositories ----

const artifact = (name: string, version: string, release: string) => `${name}-0:${version}-${release}.x86_64`;
const PG_NAMES = ['postgresql', 'postgresql-server', 'postgresql-contrib'];

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-dnf-rules-'));
  const srv = path.join(work, 'srv');
  await buildRpmRepo({
    dir: path.join(srv, 'fedora'),
    rpms: [
      rpm('containerd', '1.6.19', FEDORA),
      rpm('runc', '1.1.4', FEDORA),
      rpm('both', '2.0', FEDORA),
      rpm('libpq-devel', '13.5', FEDORA),
      rpm('oldthing', '1.5', FEDORA),
      rpm('kernel', '6.2', FEDORA),
      rpm('kernel', '6.3', FEDORA),
      rpm('kernel-core', '6.3', FEDORA, { provides: ['installonlypkg(kernel)', 'kernel = 6.3-1'] }),
      rpm('kmod-x', '2.0', FEDORA, { provides: ['installonlypkg(kernel-module)'] }),
      rpm('myio', '2.0', FEDORA),
    ],
  });
  // Docker's containerd.io replaces the distribution's containerd and runc.
  await buildRpmRepo({
    dir: path.join(srv, 'docker'),
    rpms: [
      rpm('containerd.io', '1.6.28', DOCKER, { release: '3.1.fc40', obsoletes: ['containerd', 'runc'], provides: ['containerd', 'runc'] }),
      // An unversioned obsolete of `both` beats both's own newer version (libsolv prunes the obsoleted).
      rpm('both-ng', '1.0', DOCKER, { obsoletes: ['both'] }),
      // A versioned obsolete that does not cover the installed 1.5.
      rpm('notmine', '1.0', DOCKER, { obsoletes: ['oldthing < 1.0'] }),
    ],
  });
  // PGDG's postgresql17-devel obsoletes libpq-devel (as PGDG's spec says: <= 42.0).
  await buildRpmRepo({
    dir: path.join(srv, 'pgdg17'),
    rpms: [rpm('postgresql17-devel', '17.2', PGDG, { release: '1PGDG.f40', obsoletes: ['libpq-devel <= 42.0'], provides: ['libpq-devel = 42.0'] })],
  });

  // EL 9: an AppStream with a postgresql module (10 the default, 13 too) and a non-modular vendor repo.
  const modular = (version: string) => PG_NAMES.map((n) => rpm(n, version, ROCKY, { release: '1.module_el9' }));
  await buildRpmRepo({ dir: path.join(srv, 'appstream'), rpms: [...modular('10.23'), ...modular('13.10'), rpm('bash', '5.1.8', ROCKY, { release: '6.el9' })] });
  await addModulesYaml(
    path.join(srv, 'appstream'),
    modulesYamlText(
      [
        { name: 'postgresql', stream: '10', platform: ['el9'], artifacts: PG_NAMES.map((n) => artifact(n, '10.23', '1.module_el9')) },
        { name: 'postgresql', stream: '13', platform: ['el9'], version: 9020020240101, artifacts: PG_NAMES.map((n) => artifact(n, '13.10', '1.module_el9')) },
      ],
      { postgresql: '10' },
    ),
  );
  await buildRpmRepo({
    dir: path.join(srv, 'pgdg-el9'),
    rpms: [
      rpm('postgresql', '16.1', PGDG, { release: '1PGDG.rhel9' }),
      rpm('postgresql-contrib', '16.1', PGDG, { release: '1PGDG.rhel9' }),
      // Hidden while a postgresql stream is active: it provides a name the stream ships.
      rpm('pg-tool', '2.0', PGDG, { release: '1PGDG.rhel9', provides: ['postgresql-server'] }),
    ],
  });
  // module_hotfixes=1: modular filtering leaves this repo alone.
  await buildRpmRepo({ dir: path.join(srv, 'hotfix'), rpms: [rpm('postgresql-contrib', '10.24', ROCKY, { release: '1.hotfix' })] });

  server = await startRepoServer({ root: srv });
  minimalConfig = path.join(work, 'repos.yaml');
  // The host's own repos are what is audited; this file only has to parse.
  await writeFile(minimalConfig, HOST_REPOS_ONLY_CONFIG);
}, 180_000);

afterAll(() => tearDown(work, server));

// ---------------------------------------------------------------------------------- obsoletes ----

describe('Obsoletes, as real dnf applies them', () => {
  const installed = [rpm('containerd', '1.6.19', FEDORA), rpm('runc', '1.1.4', FEDORA), rpm('both', '1.0', FEDORA), rpm('libpq-devel', '13.5', FEDORA), rpm('oldthing', '1.5', FEDORA)];
  const repos = () => [repo('fedora'), repo('docker'), repo('pgdg17')];

  it("Docker's containerd.io replaces containerd and runc, PGDG's postgresql17-devel replaces libpq-devel: vendor changes — zero disagreements", async () => {
    const ctx: DnfContext = { installroot: await root('obs', installed), repos: repos(), forcearch: 'x86_64' };
    const { report, upgrade, wrong } = await compare(ctx, 'obs');
    expect(wrong).toEqual([]);
    expect(upgrade.get('containerd')).toBe('obsoleted-by containerd.io 1.6.28-3.1.fc40 @docker vendor-change');
    expect(upgrade.get('runc')).toBe('obsoleted-by containerd.io 1.6.28-3.1.fc40 @docker vendor-change');
    expect(upgrade.get('libpq-devel')).toBe('obsoleted-by postgresql17-devel 17.2-1PGDG.f40 @pgdg17 vendor-change');
    expect(upgrade.get('both')).toBe('obsoleted-by both-ng 1.0-1 @docker vendor-change');
    expect(upgrade.has('oldthing')).toBe(false);
    const containerd = report.packages.find((p) => p.name === 'containerd')!;
    expect(containerd).toMatchObject({ action: 'vendor-change', risky: true, to: { name: 'containerd.io', vendor: DOCKER } });
  }, 180_000);

  it('obsoletes=False in dnf.conf changes nothing for `dnf upgrade` in dnf 4.14, and repoclash says the same', async () => {
    const ctx: DnfContext = { installroot: await root('obs-off', installed), repos: repos(), forcearch: 'x86_64', mainOptions: { obsoletes: 'False' } };
    const { upgrade, wrong } = await compare(ctx, 'obs-off');
    expect(wrong).toEqual([]);
    expect(upgrade.get('containerd')).toMatch(/^obsoleted-by containerd\.io/);
  }, 180_000);

  it('allow_vendor_change=False: no package of another vendor replaces one — zero disagreements', async () => {
    const ctx: DnfContext = { installroot: await root('obs-locked', installed), repos: repos(), forcearch: 'x86_64', allowVendorChange: false };
    const { upgrade, wrong } = await compare(ctx, 'obs-locked');
    expect(wrong).toEqual([]);
    expect(upgrade.get('both')).toBe('upgrade 2.0-1 @fedora');
    expect(upgrade.has('containerd')).toBe(false);
  }, 180_000);
});

// ---------------------------------------------------------------------------- install-only ----

describe('install-only packages, as real dnf installs them', () => {
  const installed = [
    rpm('kernel', '6.1', FEDORA),
    rpm('kernel', '6.2', FEDORA),
    rpm('kernel-core', '6.1', FEDORA, { provides: ['installonlypkg(kernel)', 'kernel = 6.1-1'] }),
    rpm('kmod-x', '1.0', FEDORA, { provides: ['installonlypkg(kernel-module)'] }),
    rpm('myio', '1.0', FEDORA),
  ];

  for (const [label, mainOptions] of [
    ['defaults', {}],
    ['installonlypkgs=myio', { installonlypkgs: 'myio' }],
  ] as const) {
    it(`${label}: a newer kernel goes beside the installed ones, older kernels are never "downgraded" or upgraded — zero disagreements`, async () => {
      const ctx: DnfContext = { installroot: await root(`io-${label}`, installed), repos: [repo('fedora')], forcearch: 'x86_64', mainOptions };
      const { report, upgrade, wrong } = await compare(ctx, `io-${label.replace(/\W/g, '')}`);
      expect(wrong).toEqual([]);
      expect(upgrade.get('kernel')).toBe('install-beside 6.3-1 @fedora');
      expect(upgrade.get('kernel-core')).toBe('install-beside 6.3-1 @fedora');
      expect(upgrade.get('kmod-x')).toBe('install-beside 2.0-1 @fedora');
      expect(upgrade.get('myio')).toBe(label === 'defaults' ? 'upgrade 2.0-1 @fedora' : 'install-beside 2.0-1 @fedora');
      // kernel 6.1 (an older one beside 6.2) is neither upgraded nor downgraded.
      const kernels = report.packages.filter((p) => p.name === 'kernel');
      expect(kernels.map((k) => `${k.installed} ${k.action} ${k.syncAction}`)).toEqual(['6.2-1 upgrade upgrade']);
    }, 180_000);
  }
});

// ----------------------------------------------------------------------- modular filtering ----

describe('modular filtering (EL 9), as real dnf applies it', () => {
  const installed = [...PG_NAMES.map((n) => rpm(n, '10.23', ROCKY, { release: '1.module_el9' })), rpm('pg-tool', '1.0', PGDG, { release: '1PGDG.rhel9', provides: ['postgresql-server'] })];
  const osRelease = { 'etc/os-release': 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\nPLATFORM_ID="platform:el9"\n' };
  let ctx: DnfContext;

  beforeAll(async () => {
    ctx = { installroot: await root('modules', installed, osRelease), repos: [repo('appstream'), repo('pgdg-el9'), repo('hotfix', { module_hotfixes: true })], forcearch: 'x86_64', releasever: '9' };
  }, 120_000);

  it('the default stream hides the non-modular postgresql packages (names and provides) of other repos, but not those of a module_hotfixes repo', async () => {
    const { report, upgrade, wrong } = await compare(ctx, 'mod-default');
    expect(wrong).toEqual([]);
    expect([...upgrade.entries()]).toEqual([['postgresql-contrib', 'upgrade 10.24-1.hotfix @hotfix']]);
    expect(report.packages.find((p) => p.name === 'postgresql')?.action ?? 'none').toBe('none');
  }, 180_000);

  it('after `dnf module disable postgresql` the vendor packages take over: vendor changes — zero disagreements', async () => {
    const r = await runDnf({ ...ctx, assume: 'yes', args: ['module', 'disable', 'postgresql'] });
    expect(r.code).toBe(0);
    const { report, upgrade, wrong } = await compare(ctx, 'mod-disabled');
    expect(wrong).toEqual([]);
    expect(upgrade.get('postgresql')).toBe('upgrade 16.1-1PGDG.rhel9 @pgdg-el9 vendor-change');
    expect(upgrade.get('pg-tool')).toBe('upgrade 2.0-1PGDG.rhel9 @pgdg-el9');
    expect(report.packages.find((p) => p.name === 'postgresql')?.action).toBe('vendor-change');
  }, 180_000);

  it('after `dnf module enable postgresql:13` the 13 stream is the upgrade — zero disagreements', async () => {
    expect((await runDnf({ ...ctx, assume: 'yes', args: ['module', 'reset', 'postgresql'] })).code).toBe(0);
    expect((await runDnf({ ...ctx, assume: 'yes', args: ['module', 'enable', 'postgresql:13'] })).code).toBe(0);
    const { upgrade, wrong } = await compare(ctx, 'mod-13');
    expect(wrong).toEqual([]);
    expect(upgrade.get('postgresql')).toBe('upgrade 13.10-1.module_el9 @appstream');
  }, 180_000);
});
