/**
 * dnf's versionlock plugin (dnf-plugins-core): a host whose admin ran `dnf versionlock add
 * grafana` to keep Fedora's grafana is not about to change vendor, whatever grafana.com's repo
 * carries. A root with /etc/dnf/plugins/versionlock.conf and its lock list goes to real dnf 4
 * (the plugin loaded) and to `repoclash host --root`, over HTTP on 127.0.0.1: zero disagreements.
 */
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnfUpgradePlan, seedInstalled, type DnfContext } from '../support/dnf.js';
import { dnfPlanLines, hostReportOfRoot, planDisagreements, repoclashPlanLines } from '../support/host-compare.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { buildRpmRepo, buildRpms, type RpmSpec } from '../support/rpm-repo.js';
import { tearDown } from '../support/teardown.js';

const FEDORA = 'Fedora Project';
const GRAFANA = 'Grafana Labs';
/** Where Debian's dnf-plugins-core installs the plugin. */
const VERSIONLOCK_PLUGIN = '/usr/lib/python3/dist-packages/dnf-plugins/versionlock.py';

let work: string;
let server: RepoServer;

const rpm = (name: string, version: string, vendor = FEDORA, extra: Partial<RpmSpec> = {}): RpmSpec => ({ name, version, release: '1', vendor, arch: 'x86_64', ...extra });

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-dnf-versionlock-'));
  const srv = path.join(work, 'srv');
  await buildRpmRepo({ dir: path.join(srv, 'fedora'), rpms: [rpm('grafana', '10.2.3'), rpm('tool', '1.0'), rpm('tool', '1.1'), rpm('pinned', '2.0'), rpm('pinned', '3.0'), rpm('pinned', '4.0'), rpm('skip', '1.5'), rpm('skip', '2.0'), rpm('free', '2.0')] });
  await buildRpmRepo({
    dir: path.join(srv, 'grafana'),
    // grafana.com's newer grafana, and a package that would replace the locked tool.
    rpms: [rpm('grafana', '11.0.0', GRAFANA), rpm('tool-ng', '2.0', GRAFANA, { obsoletes: ['tool < 2'] })],
  });
  server = await startRepoServer({ root: srv });
}, 120_000);

afterAll(() => tearDown(work, server));

/** The lock list as `dnf versionlock add` / `dnf versionlock exclude` write it. */
const LOCK_LIST = `# Added lock on Sat Jun  1 00:00:00 2024
grafana-0:10.2.3-1.*
tool-0:1.0-1.*
# a lock on a version newer than the installed one
pinned-0:3.0-1.*
# Added exclude on Sat Jun  1 00:00:00 2024
!skip-0:2.0-1.*
`;

describe('a host with versionlock', () => {
  it('locked names stay (no vendor change, no obsoleter), a locked newer version is the upgrade, an excluded version is skipped — zero disagreements with real dnf', async () => {
    const root = path.join(work, 'root');
    await seedInstalled(root, await buildRpms([rpm('grafana', '10.2.3'), rpm('tool', '1.0'), rpm('pinned', '1.0'), rpm('skip', '1.0'), rpm('free', '1.0')], path.join(work, 'installed')));
    await mkdir(path.join(root, 'etc/dnf/plugins'), { recursive: true });
    await writeFile(path.join(root, 'etc/dnf/plugins/versionlock.conf'), '[main]\nenabled = 1\nlocklist = /etc/dnf/plugins/versionlock.list\n');
    await writeFile(path.join(root, 'etc/dnf/plugins/versionlock.list'), LOCK_LIST);
    // Real dnf: only the versionlock plugin, reading the root's list (its locklist path is not
    // taken under --installroot, so dnf gets a config naming the root's copy).
    const pluginDir = path.join(work, 'dnf-plugins');
    const pluginConf = path.join(work, 'dnf-plugin-conf');
    await mkdir(pluginDir, { recursive: true });
    await mkdir(pluginConf, { recursive: true });
    await symlink(VERSIONLOCK_PLUGIN, path.join(pluginDir, 'versionlock.py'));
    await writeFile(path.join(pluginConf, 'versionlock.conf'), `[main]\nenabled = 1\nlocklist = ${path.join(root, 'etc/dnf/plugins/versionlock.list')}\n`);
    const ctx: DnfContext = {
      installroot: root,
      repos: ['fedora', 'grafana'].map((id) => ({ id, baseurl: `${server.url}/${id}/` })),
      plugins: true,
      setopts: { pluginpath: pluginDir, pluginconfpath: pluginConf },
    };
    const upgrade = dnfPlanLines(await dnfUpgradePlan(ctx));
    const sync = dnfPlanLines(await dnfUpgradePlan({ ...ctx, command: 'distro-sync' }));
    // What dnf does, so agreement is not agreement on nothing.
    expect([...upgrade].sort()).toEqual([
      ['free', 'upgrade 2.0-1 @fedora'],
      ['pinned', 'upgrade 3.0-1 @fedora'],
      ['skip', 'upgrade 1.5-1 @fedora'],
    ]);

    const { report } = await hostReportOfRoot(work, root);
    expect(planDisagreements(upgrade, repoclashPlanLines(report, false))).toEqual([]);
    expect(planDisagreements(sync, repoclashPlanLines(report, true))).toEqual([]);
    expect(report.packages.filter((p) => p.action === 'vendor-change')).toEqual([]);
  }, 180_000);
});
