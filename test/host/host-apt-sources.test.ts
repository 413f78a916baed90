/**
 * How `repoclash host` reads the root's apt sources, checked against real apt on the same root
 * (private APT_CONFIG over ROOT/etc/apt and the root's dpkg status, offline, repos on 127.0.0.1).
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptConfigForRoot, aptGet, aptUpdate, aptUpgradePlan, writeDebHostRoot, type DpkgStatusEntry } from '../support/apt.js';
import { buildDebRepo, type DebSuite } from '../support/deb-repo.js';
import { makeThrowawayKey, type GpgKey } from '../support/gpg.js';
import { aptActions, disagreements, hostReport, repoclashAptActions } from '../support/host-compare.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { tearDown } from '../support/teardown.js';

let work: string;
let server: RepoServer;
let key: GpgKey;

const DISTRO: DebSuite = {
  suite: 'stable',
  codename: 'bookworm',
  origin: 'Debian',
  label: 'Debian',
  components: ['main', 'contrib', 'non-free'],
  packages: {
    main: [{ name: 'in-main', version: '1.0-1' }, { name: 'in-main', version: '1.1-1' }],
    contrib: [{ name: 'in-contrib', version: '1.0-1' }, { name: 'in-contrib', version: '1.1-1' }],
    'non-free': [{ name: 'in-non-free', version: '1.0-1' }, { name: 'in-non-free', version: '1.1-1' }],
  },
};
const INSTALLED: DpkgStatusEntry[] = [
  { name: 'in-main', version: '1.0-1' },
  { name: 'in-contrib', version: '1.0-1' },
  { name: 'in-non-free', version: '1.0-1' },
];
const NAMES = INSTALLED.map((p) => p.name);

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-apt-sources-'));
  key = await makeThrowawayKey(path.join(work, 'key'));
  await buildDebRepo({ dir: path.join(work, 'srv/debian'), suites: [DISTRO], sign: key });
  server = await startRepoServer({ root: path.join(work, 'srv') });
}, 180_000);

afterAll(() => tearDown(work, server, key));

describe('apt sources under the root', () => {
  it('one URI and suite named by several entries (a .list line, another file, a deb822 stanza), each with other components: apt reads every component, so does repoclash', async () => {
    const root = path.join(work, 'split');
    await writeDebHostRoot(root, {
      sources: [`deb ${server.url}/debian stable main`],
      keyring: key.publicKeyringPath,
      installed: INSTALLED,
      files: {
        'etc/apt/sources.list.d/contrib.list': `deb ${server.url}/debian stable contrib\n`,
        'etc/apt/sources.list.d/non-free.sources': `Types: deb\nURIs: ${server.url}/debian\nSuites: stable\nComponents: non-free\n`,
      },
    });
    const apt = await aptConfigForRoot(root, path.join(work, 'split-state'));
    await aptUpdate(apt);
    const plan = await aptUpgradePlan(apt);
    expect(aptActions(plan.items)).toEqual(new Map(NAMES.map((n) => [n, 'upgrade 1.1-1'])));
    const { report } = await hostReport(work, ['--root', root, '--format', 'json', '--db', path.join(work, 'split.db'), '--cache', path.join(work, 'cache')]);
    expect(disagreements(aptActions(plan.items), repoclashAptActions(report, false), NAMES)).toEqual([]);
    // One repo, as apt has one Release for it.
    expect(report.repoCount).toBe(1);
  }, 120_000);

  it('a cdrom: source as a DVD install leaves it: apt reads the disc, not the network (its update says the source has no Release, its upgrade goes on); repoclash skips it with a warning, not as missing data', async () => {
    const root = path.join(work, 'cdrom');
    await writeDebHostRoot(root, {
      sources: [`deb ${server.url}/debian stable main`],
      keyring: key.publicKeyringPath,
      installed: INSTALLED,
      files: { 'etc/apt/sources.list.d/cdrom.list': 'deb cdrom:[Debian GNU/Linux 12.5.0 _Bookworm_ - Official amd64 DVD Binary-1 20240210-11:28]/ stable contrib main\n' },
    });
    const apt = await aptConfigForRoot(root, path.join(work, 'cdrom-state'));
    const update = await aptGet(apt, ['update']);
    expect(update.stderr).toMatch(/cdrom:\/\/\[Debian GNU\/Linux 12\.5\.0 .*\] stable Release' does not have a Release file/);
    const plan = await aptUpgradePlan(apt);
    expect(aptActions(plan.items)).toEqual(new Map([['in-main', 'upgrade 1.1-1']]));
    const { run, report } = await hostReport(work, ['--root', root, '--format', 'json', '--db', path.join(work, 'cdrom.db'), '--cache', path.join(work, 'cache')]);
    expect(disagreements(aptActions(plan.items), repoclashAptActions(report, false), NAMES)).toEqual([]);
    expect(report.repoCount).toBe(1);
    expect(report.partialData).toEqual([]);
    expect(report.warnings.join('\n')).toMatch(/cdrom\.list:1: .*cdrom:\[Debian GNU\/Linux 12\.5\.0 .*\]\/.* skipped/);
    expect(run.code).toBe(0);
  }, 120_000);

  it('a .sources stanza naming a field twice (Components:, Suites:): apt reads the last of each, as its tag reader does; so does repoclash', async () => {
    const root = path.join(work, 'twice');
    await writeDebHostRoot(root, {
      sources: [],
      keyring: key.publicKeyringPath,
      installed: INSTALLED,
      files: {
        'etc/apt/sources.list.d/twice.sources': `Types: deb\nURIs: ${server.url}/debian\nSuites: nosuch\nComponents: main\nSuites: stable\nComponents: contrib non-free\n`,
      },
    });
    const apt = await aptConfigForRoot(root, path.join(work, 'twice-state'));
    await aptUpdate(apt);
    const plan = await aptUpgradePlan(apt);
    // Only contrib and non-free of stable: in-main has no source left.
    expect(aptActions(plan.items)).toEqual(new Map([['in-contrib', 'upgrade 1.1-1'], ['in-non-free', 'upgrade 1.1-1']]));
    const { report } = await hostReport(work, ['--root', root, '--format', 'json', '--db', path.join(work, 'twice.db'), '--cache', path.join(work, 'cache')]);
    expect(disagreements(aptActions(plan.items), repoclashAptActions(report, false), NAMES)).toEqual([]);
  }, 120_000);
});
