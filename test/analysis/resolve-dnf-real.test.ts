/**
 * resolveDnf against real dnf 4: the same repositories (built with rpmbuild + createrepo_c, read
 * back with the project's primary.xml parser) go to both, and every scenario must agree.
 * Each name in the repo set is one scenario; a handful of dnf runs cover them all.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RepoConfig, RpmRepoConfig } from '../../src/config/types.js';
import { resolveDnf } from '../../src/analysis/resolve/dnf.js';
import type { Candidate, InstalledPackage, Resolution } from '../../src/analysis/types.js';
import { dnfUpgradePlan, seedInstalled, type DnfContext, type DnfPlan, type DnfRepo } from '../support/dnf.js';
import { buildRpmRepo, buildRpms, type RpmSpec } from '../support/rpm-repo.js';
import { candidatesFromPrimary } from '../support/candidates-from-repo.js';
import { profile, rpmRepo } from '../support/config-builders.js';

const FEDORA = 'Fedora Project';
const GRAFANA = 'Grafana Labs';

const pkg = (name: string, version: string, vendor: string, extra: Partial<RpmSpec> = {}): RpmSpec => ({ name, version, release: '1', vendor, ...extra });

/** The repos, in profile order, with their dnf options and packages. */
const REPOS: Array<{ config: RpmRepoConfig; rpms: RpmSpec[] }> = [
  {
    config: rpmRepo('fedora', { vendor: FEDORA, role: 'distro' }),
    rpms: [
      pkg('prio', '1.0', FEDORA),
      pkg('higher', '1.0', FEDORA),
      pkg('epoch', '1.0', FEDORA, { epoch: 1 }),
      pkg('exgl', '1.0', FEDORA),
      pkg('exver', '1.0', FEDORA),
      pkg('incl-yes', '1.0', FEDORA),
      pkg('incl-no', '1.0', FEDORA),
      pkg('samecost', '1.0', FEDORA),
      pkg('sameorder', '1.0', FEDORA),
      pkg('arch1', '1.0', FEDORA, { arch: 'x86_64' }),
      pkg('arch2', '2.0', FEDORA, { arch: 'x86_64' }),
      pkg('up-vendor', '1.1', FEDORA),
      pkg('up-prio', '1.0', FEDORA),
      pkg('up-none', '2.0', FEDORA),
      pkg('up-samevendor', '2.0', FEDORA),
      pkg('up-lockprio', '1.5', FEDORA),
      pkg('exgl-up', '1.0', FEDORA),
      // A package literally named "exn-1x" makes dnf read grafana's `exn-1*` as a name glob.
      pkg('exn', '0.5', FEDORA),
      pkg('exn-1x', '1.0', FEDORA),
      pkg('arch3', '1.0', FEDORA),
      // The issue's case: a priority-10 repo with only older versions does not stop this one.
      pkg('up-prunedprio', '6.0.0', FEDORA, { epoch: 1, release: '1.fc29' }),
    ],
  },
  {
    config: rpmRepo('updates', { vendor: FEDORA, role: 'distro' }),
    rpms: [pkg('sameorder2', '1.0', FEDORA), pkg('higher', '1.5', FEDORA)],
  },
  {
    config: rpmRepo('grafana', { vendor: GRAFANA, excludepkgs: ['exgl*', 'exver-2*', 'exn-1*'] }),
    rpms: [
      pkg('higher', '2.0', GRAFANA),
      pkg('epoch', '2.0', GRAFANA),
      pkg('exgl', '2.0', GRAFANA),
      pkg('exver', '2.0', GRAFANA),
      pkg('exver', '1.5', GRAFANA),
      pkg('sameorder', '1.0', GRAFANA),
      pkg('sameorder2', '1.0', GRAFANA),
      pkg('arch1', '2.0', GRAFANA),
      pkg('arch2', '1.0', GRAFANA),
      pkg('up-vendor', '2.0', GRAFANA),
      pkg('up-samevendor', '1.5', GRAFANA),
      pkg('up-noarch', '2.0', GRAFANA),
      pkg('exgl-up', '2.0', GRAFANA),
      pkg('exn', '1.0', GRAFANA),
      pkg('arch3', '1.0', GRAFANA, { arch: 'x86_64' }),
      pkg('up-heldprio', '2.0', GRAFANA),
    ],
  },
  {
    config: rpmRepo('prio10', { vendor: 'Prio Inc', priority: 10 }),
    // up-heldprio: the installed version itself, at priority 10, holds it against grafana's newer one.
    rpms: [pkg('prio', '0.5', 'Prio Inc'), pkg('up-prio', '0.9', 'Prio Inc'), pkg('up-lockprio', '2.0', 'Prio Inc'), pkg('up-prunedprio', '6.1.5', 'Prio Inc'), pkg('up-heldprio', '1.0', 'Prio Inc')],
  },
  {
    config: rpmRepo('cheap', { vendor: 'Cheap Co', cost: 500 }),
    rpms: [pkg('samecost', '1.0', 'Cheap Co')],
  },
  {
    config: rpmRepo('onlyinc', { vendor: 'Inc Co', includepkgs: ['incl-yes'] }),
    rpms: [pkg('incl-yes', '2.0', 'Inc Co'), pkg('incl-no', '2.0', 'Inc Co')],
  },
];

const FRESH_NAMES = ['prio', 'higher', 'epoch', 'exgl', 'exver', 'incl-yes', 'incl-no', 'samecost', 'sameorder', 'sameorder2', 'arch1', 'arch2', 'arch3', 'exn', 'exn-1x'];

/** Installed on the host for the upgrade / distro-sync runs. */
const INSTALLED: RpmSpec[] = [
  pkg('up-vendor', '1.0', FEDORA),
  pkg('up-prio', '1.0', FEDORA),
  pkg('up-none', '3.0', FEDORA),
  pkg('up-stranded', '1.0', FEDORA),
  pkg('up-samevendor', '1.0', GRAFANA),
  pkg('up-lockprio', '1.0', FEDORA),
  pkg('up-noarch', '1.0', GRAFANA, { arch: 'x86_64' }),
  pkg('exgl-up', '1.0', FEDORA),
  pkg('up-prunedprio', '6.2.1', 'Prio Inc'),
  pkg('up-heldprio', '1.0', 'Prio Inc'),
];

let work: string;
let dnfRepos: DnfRepo[];
let repoConfigs: Map<string, RepoConfig>;
let candidates: Candidate[];
let installed: InstalledPackage[];

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-resolve-dnf-'));
  candidates = [];
  dnfRepos = [];
  repoConfigs = new Map();
  for (const { config, rpms } of REPOS) {
    const built = await buildRpmRepo({ dir: path.join(work, 'srv', config.id), rpms });
    candidates.push(...(await candidatesFromPrimary(built.primaryPath, config)));
    repoConfigs.set(config.id, config);
    dnfRepos.push({ id: config.id, baseurl: built.baseurl, priority: config.priority, cost: config.cost, excludepkgs: config.excludepkgs, includepkgs: config.includepkgs });
  }
  installed = INSTALLED.map((s) => ({
    name: s.name,
    arch: s.arch ?? 'noarch',
    epoch: s.epoch ?? 0,
    version: s.version,
    release: s.release,
    evr: `${s.epoch ? `${s.epoch}:` : ''}${s.version}-${s.release}`,
    vendor: s.vendor ?? null,
    installTime: null,
  }));
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function root(label: string, specs: RpmSpec[]): Promise<DnfContext> {
  const installroot = path.join(work, `root-${label}`);
  await seedInstalled(installroot, await buildRpms(specs, path.join(work, `inst-${label}`)));
  return { installroot, repos: dnfRepos, setopts: { strict: 'False' } };
}

function predict(allowVendorChange: boolean, withInstalled: boolean): Resolution[] {
  const out = resolveDnf({
    profile: profile('rpm', REPOS.map((r) => r.config.id), { allowVendorChange }),
    repos: repoConfigs,
    candidates,
    installed: withInstalled ? installed : [],
  });
  return out;
}

/** One line per package dnf would touch, in the hook's spelling. */
function dnfLines(plan: DnfPlan): string[] {
  return plan.items.map((i) => `${i.action} ${i.name}.${i.arch} ${i.fromEvr ?? '-'} -> ${i.toEvr} @${i.repo}`).sort();
}

function moveLine(r: Resolution, to: Candidate | null | undefined, action: string | undefined): string | null {
  if (!to || !r.installed || action === undefined) return null;
  const verb = action === 'downgrade' ? 'downgrade' : 'upgrade';
  return `${verb} ${r.name}.${to.arch} ${r.installed.evr} -> ${to.evr} @${to.repoId}`;
}

/** The moves resolveDnf predicts for the installed packages on `dnf upgrade` or `dnf distro-sync`, spelled as dnfLines spells dnf's. */
function predictedMoves(allowVendorChange: boolean, command: 'upgrade' | 'distro-sync'): string[] {
  return predict(allowVendorChange, true)
    .map((r) => (command === 'upgrade' ? moveLine(r, r.upgradeTo, r.upgradeAction) : moveLine(r, r.syncTo, r.syncAction)))
    .filter((l): l is string => l !== null)
    .sort();
}

describe('resolveDnf agrees with real dnf 4', () => {
  it('on the winner of every fresh install: priority, cost, epoch, excludepkgs, includepkgs, same NEVRA twice, arch', async () => {
    const ctx = await root('fresh', []);
    const plan = await dnfUpgradePlan({ ...ctx, command: 'install' as unknown as 'upgrade', names: FRESH_NAMES });
    const predicted = predict(true, false)
      .filter((r) => FRESH_NAMES.includes(r.name) && r.winner)
      .map((r) => `install ${r.name}.${r.winner!.arch} - -> ${r.winner!.evr} @${r.winner!.repoId}`)
      .sort();
    expect(predicted).toEqual(dnfLines(plan));
    // The table is not trivially "highest version wins": the scenarios really pull in different directions.
    expect(new Set(plan.items.map((i) => i.repo))).toEqual(new Set(['fedora', 'updates', 'grafana', 'prio10', 'cheap', 'onlyinc']));
  }, 60_000);

  for (const allowVendorChange of [true, false]) {
    it(`on dnf upgrade with allow_vendor_change=${allowVendorChange ? 'True' : 'False'}`, async () => {
      const ctx = await root(`up-${allowVendorChange}`, INSTALLED);
      const plan = await dnfUpgradePlan({ ...ctx, allowVendorChange, command: 'upgrade' });
      const predicted = predictedMoves(allowVendorChange, 'upgrade');
      expect(predicted).toEqual(dnfLines(plan));
      expect(plan.items.length).toBeGreaterThan(2);
      // Priority prunes the upgrade's candidates (newer versions), not every version of the name.
      const pruned = plan.items.find((i) => i.name === 'up-prunedprio');
      expect(pruned?.toEvr).toBe(allowVendorChange ? '1:6.0.0-1.fc29' : undefined);
      // …but the installed version is one of them: carried at priority 10, it stays.
      expect(plan.items.map((i) => i.name)).not.toContain('up-heldprio');
    }, 60_000);
  }

  for (const allowVendorChange of [true, false]) {
    it(`on dnf distro-sync with allow_vendor_change=${allowVendorChange ? 'True' : 'False'} (downgrades to the priority winner)`, async () => {
      const ctx = await root(`sync-${allowVendorChange}`, INSTALLED);
      const plan = await dnfUpgradePlan({ ...ctx, allowVendorChange, command: 'distro-sync' });
      const predicted = predictedMoves(allowVendorChange, 'distro-sync');
      expect(predicted).toEqual(dnfLines(plan));
      expect(plan.items.some((i) => i.action === 'downgrade')).toBe(true);
    }, 60_000);
  }

});
