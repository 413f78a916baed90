/**
 * Multilib: an x86_64 host with i686 packages installed (glibc.i686 and friends, pulled in by
 * Wine or Steam). x86_64 repos carry those i686 builds, and `dnf upgrade` upgrades them, each
 * within its own arch. `repoclash host --root` over HTTP on 127.0.0.1 against real dnf 4 in the
 * same installroot, keyed by name.arch: zero disagreements. And with nothing installed, the name
 * a multilib repo carries only as i686 is what `dnf install NAME` installs as i686.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveDnf } from '../../src/analysis/resolve/dnf.js';
import { rpmCompatibleArches } from '../../src/config/yum-repos.js';
import { candidatesFromPrimary } from '../support/candidates-from-repo.js';
import { profile, rpmRepo } from '../support/config-builders.js';
import { dnfUpgradePlan, seedInstalled, type DnfContext } from '../support/dnf.js';
import { byNameArch, dnfPlanLines, hostReport, planDisagreements, repoclashPlanLines } from '../support/host-compare.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { buildRpmRepo, buildRpms, type RpmSpec } from '../support/rpm-repo.js';
import { tearDown } from '../support/teardown.js';
import { HOST_REPOS_ONLY_CONFIG } from '../support/repos-yaml.js';

const FEDORA = 'Fedora Project';
const OTHER = 'Other Vendor';

let work: string;
let server: RepoServer;
let minimalConfig: string;

const rpm = (name: string, version: string, arch: string, vendor = FEDORA): RpmSpec => ({ name, version, release: '1', vendor, arch });

/** Both arches of a name, as a multilib x86_64 repo carries it. */
const multilib = (name: string, version: string, vendor = FEDORA): RpmSpec[] => [rpm(name, version, 'x86_64', vendor), rpm(name, version, 'i686', vendor)];

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-dnf-multilib-'));
  const srv = path.join(work, 'srv');
  await buildRpmRepo({ dir: path.join(srv, 'fedora'), rpms: [...multilib('glibc', '2.39'), ...multilib('mesa', '24.0'), rpm('only32', '1.0', 'i686')] });
  await buildRpmRepo({ dir: path.join(srv, 'updates'), rpms: [...multilib('glibc', '2.40'), rpm('only32', '1.1', 'i686'), rpm('cross', '2.0', 'x86_64')] });
  // Another vendor's newer mesa, both arches: the i686 build moves to it as the x86_64 one does.
  await buildRpmRepo({ dir: path.join(srv, 'vendor'), rpms: multilib('mesa', '24.1', OTHER) });
  // Renames by Obsoletes: of a name installed as both arches.
  await buildRpmRepo({
    dir: path.join(srv, 'renames'),
    rpms: [
      ...multilib('oldlib', '1.0'),
      // Only an x86_64 build: installing it would take oldlib.i686 away too (an Obsoletes: matches
      // any arch), which no i686 or noarch package replaces.
      { ...rpm('newlib', '2.0', 'x86_64'), obsoletes: ['oldlib < 2'] },
      ...multilib('oldtool', '1.0'),
      ...multilib('newtool', '2.0').map((r) => ({ ...r, obsoletes: ['oldtool < 2'] })),
      ...multilib('olddata', '1.0'),
      { ...rpm('newdata', '2.0', 'noarch'), obsoletes: ['olddata'] },
    ],
  });
  server = await startRepoServer({ root: srv });
  minimalConfig = path.join(work, 'repos.yaml');
  await writeFile(minimalConfig, HOST_REPOS_ONLY_CONFIG);
}, 180_000);

afterAll(() => tearDown(work, server));

/** `dnf upgrade` and `dnf distro-sync` in ROOT against `repoclash host --root ROOT`, keyed by name.arch. */
async function compareWithDnf(installroot: string, repoIds: string[], label: string) {
  const ctx: DnfContext = { installroot, forcearch: 'x86_64', repos: repoIds.map((id) => ({ id, baseurl: `${server.url}/${id}/` })) };
  const upgrade = dnfPlanLines(await dnfUpgradePlan(ctx), byNameArch);
  const sync = dnfPlanLines(await dnfUpgradePlan({ ...ctx, command: 'distro-sync' }), byNameArch);
  const { report } = await hostReport(work, ['--root', installroot, '--format', 'json', '--config', minimalConfig, '--db', path.join(work, `${label}.db`), '--cache', path.join(work, 'cache')], {
    // Debian's rpm keeps an installroot's rpmdb under ROOT/$HOME: the same HOME as dnf's.
    env: { HOME: process.env['HOME'] ?? os.homedir() },
  });
  return {
    upgrade,
    sync,
    report,
    wrong: [
      ...planDisagreements(upgrade, repoclashPlanLines(report, false, byNameArch)).map((l) => `upgrade ${l}`),
      ...planDisagreements(sync, repoclashPlanLines(report, true, byNameArch)).map((l) => `distro-sync ${l}`),
    ],
  };
}

describe('an x86_64 host with i686 packages installed', () => {
  it('upgrades each i686 package within its arch, vendor changes included, as real dnf does — zero disagreements', async () => {
    const installroot = path.join(work, 'root');
    const installed = [...multilib('glibc', '2.39'), ...multilib('mesa', '24.0'), rpm('only32', '1.0', 'i686'), rpm('cross', '1.0', 'i686')];
    await seedInstalled(installroot, await buildRpms(installed, path.join(work, 'installed')));
    const { upgrade, report, wrong } = await compareWithDnf(installroot, ['fedora', 'updates', 'vendor'], 'store');
    expect(wrong).toEqual([]);
    // What dnf does, so agreement is not agreement on nothing: the i686 builds move too.
    expect(upgrade.get('glibc.i686')).toBe('upgrade 2.40-1 @updates');
    expect(upgrade.get('only32.i686')).toBe('upgrade 1.1-1 @updates');
    expect(upgrade.get('mesa.i686')).toBe('upgrade 24.1-1 @vendor vendor-change');
    // cross.i686: the repos carry only an x86_64 build (of a newer version), which dnf never
    // switches an i686 package to: no repo carries it for its arch.
    expect(upgrade.has('cross.i686')).toBe(false);
    const by = new Map(report.packages.map((p) => [`${p.name}.${p.arch}`, p]));
    expect(by.get('mesa.i686')?.action).toBe('vendor-change');
    expect(by.get('cross.i686')?.action).toBe('stranded');
  }, 180_000);
});

describe('an x86_64 host installing from a multilib repo', () => {
  it("each name's winner is what `dnf install NAME` installs: the native build first, an i686-only name as i686, noarch against i686 by version", async () => {
    const repo = rpmRepo('multilib', { vendor: FEDORA });
    const built = await buildRpmRepo({
      dir: path.join(work, 'srv', 'fresh'),
      rpms: [rpm('only32', '1.0', 'i686'), rpm('mixed', '1.0', 'x86_64'), rpm('mixed', '2.0', 'i686'), rpm('na', '1.0', 'i686'), rpm('na', '2.0', 'noarch')],
    });
    const names = ['only32', 'mixed', 'na'];
    const installroot = path.join(work, 'fresh-root');
    await seedInstalled(installroot, []);
    const plan = await dnfUpgradePlan({ installroot, forcearch: 'x86_64', repos: [{ id: 'multilib', baseurl: built.baseurl }], command: 'install' as unknown as 'upgrade', names });
    const dnf = plan.items.map((i) => `${i.name}.${i.arch} ${i.toEvr}`).sort();
    const predicted = resolveDnf({
      profile: profile('rpm', ['multilib'], { arches: rpmCompatibleArches('x86_64') }),
      repos: new Map([[repo.id, repo]]),
      candidates: await candidatesFromPrimary(built.primaryPath, repo),
    })
      .filter((r) => r.winner !== null)
      .map((r) => `${r.name}.${r.winner!.arch} ${r.winner!.evr}`)
      .sort();
    expect(predicted).toEqual(dnf);
    expect(dnf).toEqual(['mixed.x86_64 1.0-1', 'na.noarch 2.0-1', 'only32.i686 1.0-1']);
  }, 120_000);
});

describe('an x86_64 host with a name installed as both arches, renamed by Obsoletes:', () => {
  it('the new name replaces both when it has a build for each arch (or noarch), neither when the i686 one would be left without one — zero disagreements', async () => {
    const installroot = path.join(work, 'renames-root');
    await seedInstalled(installroot, await buildRpms([...multilib('oldlib', '1.0'), ...multilib('oldtool', '1.0'), ...multilib('olddata', '1.0')], path.join(work, 'renames-installed')));
    const { upgrade, wrong } = await compareWithDnf(installroot, ['renames'], 'renames');
    expect(wrong).toEqual([]);
    expect(upgrade.get('oldtool.i686')).toBe('obsoleted-by newtool 2.0-1 @renames');
    expect(upgrade.get('olddata.x86_64')).toBe('obsoleted-by newdata 2.0-1 @renames');
    expect(upgrade.has('oldlib.x86_64')).toBe(false);
  }, 180_000);
});
