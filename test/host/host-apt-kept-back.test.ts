/**
 * What `apt-get upgrade` keeps back — a new version whose Depends, Pre-Depends, Conflicts or
 * Breaks cannot be met without installing or removing a package — checked against real
 * `apt-get -s upgrade` on the same root (private APT_CONFIG over ROOT/etc/apt and the root's dpkg
 * status, offline, repos on 127.0.0.1). Every case that is kept back has a twin that is not, so
 * the test fails whether the rule fires too often or too rarely.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostReport } from '../../src/host/types.js';
import { renderHostText } from '../../src/report/host-render.js';
import { aptConfigForRoot, aptUpdate, aptUpgradePlan, writeDebHostRoot, type AptPlan, type DpkgStatusEntry } from '../support/apt.js';
import { debianStable } from '../support/apt-host-fixture.js';
import { buildDebRepo, type DebSuite } from '../support/deb-repo.js';
import { makeThrowawayKey, type GpgKey } from '../support/gpg.js';
import { aptActions, disagreements, hostReport, repoclashAptActions } from '../support/host-compare.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { tearDown } from '../support/teardown.js';

let work: string;
let server: RepoServer;
let key: GpgKey;
let plan: AptPlan;
let fullPlan: AptPlan;
let report: HostReport;

/** The distro: the installed versions, and newer ones of some. */
const DISTRO = debianStable([
  { name: 'nodejs', version: '18.19.0+dfsg-6~deb12u1', arch: 'amd64' },
  { name: 'npm', version: '9.2.0~ds1-2', depends: ['nodejs'] },
  // A new Depends on a package that is not installed (but exists): kept back.
  { name: 'newdep-app', version: '1.0-1' },
  { name: 'newdep-app', version: '2.0-1', depends: ['libnew1 (>= 1.0)'] },
  { name: 'libnew1', version: '1.0-1' },
  // Control: the new Depends is met by an installed package.
  { name: 'okdep-app', version: '1.0-1' },
  { name: 'okdep-app', version: '2.0-1', depends: ['libpresent (>= 1.5)', 'missing-lib | libpresent'] },
  { name: 'libpresent', version: '1.5-1' },
  // Control: the new Depends is met through an installed package's Provides.
  { name: 'virt-app', version: '1.0-1' },
  { name: 'virt-app', version: '2.0-1', depends: ['virtual-mta'] },
  { name: 'provider-mta', version: '1.0-1', provides: ['virtual-mta'] },
  // A Breaks against an installed version no upgrade fixes: kept back.
  { name: 'breaker', version: '1.0-1' },
  { name: 'breaker', version: '2.0-1', extraFields: { Breaks: 'victim (<< 2.0)' } },
  { name: 'victim', version: '1.0-1' },
  // Control: the same Breaks, but the broken package is upgraded in the same run.
  { name: 'breaker2', version: '1.0-1' },
  { name: 'breaker2', version: '2.0-1', extraFields: { Breaks: 'victim2 (<< 2.0)' } },
  { name: 'victim2', version: '1.0-1' },
  { name: 'victim2', version: '2.0-1' },
  // An installed package pins its library exactly: the library's upgrade is kept back.
  { name: 'pinned-tool', version: '1.0-1', depends: ['libpinned (= 1.0-1)'] },
  { name: 'libpinned', version: '1.0-1' },
  { name: 'libpinned', version: '1.1-1' },
  // Control: a Conflicts with a package that is not installed.
  { name: 'conflict-free', version: '1.0-1' },
  { name: 'conflict-free', version: '2.0-1', extraFields: { Conflicts: 'not-installed-thing' } },
]);

/** NodeSource's layout: `nodistro main`, nodejs that Conflicts with / Replaces / Provides npm. */
const NODESOURCE: DebSuite = {
  suite: 'nodistro',
  codename: 'nodistro',
  origin: 'Node Source',
  label: 'Node Source',
  components: ['main'],
  packages: {
    main: [
      {
        name: 'nodejs',
        version: '20.11.0-1nodesource1',
        arch: 'amd64',
        provides: ['nodejs-dev', 'nodejs-legacy', 'npm'],
        extraFields: { Conflicts: 'nodejs-dev, nodejs-legacy, npm', Replaces: 'nodejs-dev, nodejs-legacy, npm' },
      },
    ],
  },
};

const INSTALLED: DpkgStatusEntry[] = [
  { name: 'nodejs', version: '18.19.0+dfsg-6~deb12u1', arch: 'amd64' },
  { name: 'npm', version: '9.2.0~ds1-2', extraFields: { Depends: 'nodejs' } },
  { name: 'newdep-app', version: '1.0-1' },
  { name: 'okdep-app', version: '1.0-1' },
  { name: 'libpresent', version: '1.5-1' },
  { name: 'virt-app', version: '1.0-1' },
  { name: 'provider-mta', version: '1.0-1', extraFields: { Provides: 'virtual-mta' } },
  { name: 'breaker', version: '1.0-1' },
  { name: 'victim', version: '1.0-1' },
  { name: 'breaker2', version: '1.0-1' },
  { name: 'victim2', version: '1.0-1' },
  { name: 'pinned-tool', version: '1.0-1', extraFields: { Depends: 'libpinned (= 1.0-1)' } },
  { name: 'libpinned', version: '1.0-1' },
  { name: 'conflict-free', version: '1.0-1' },
];

const KEPT_BACK = ['breaker', 'libpinned', 'newdep-app', 'nodejs'];
const UPGRADED = ['breaker2', 'conflict-free', 'okdep-app', 'victim2', 'virt-app'];
const NAMES = [...new Set([...INSTALLED.map((p) => p.name)])].sort();

function keptBackOf(r: HostReport): string[] {
  return r.packages.filter((p) => p.action === 'kept-back').map((p) => p.name).sort();
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-kept-back-'));
  key = await makeThrowawayKey(path.join(work, 'key'));
  await buildDebRepo({ dir: path.join(work, 'srv/debian'), suites: [DISTRO], sign: key });
  await buildDebRepo({ dir: path.join(work, 'srv/nodesource'), suites: [NODESOURCE], sign: key });
  server = await startRepoServer({ root: path.join(work, 'srv') });

  const root = path.join(work, 'root');
  await writeDebHostRoot(root, {
    sources: [`deb ${server.url}/debian stable main`],
    keyring: key.publicKeyringPath,
    installed: INSTALLED,
    files: { 'etc/apt/sources.list.d/nodesource.list': `deb ${server.url}/nodesource nodistro main\n` },
  });

  const apt = await aptConfigForRoot(root, path.join(work, 'apt-state'));
  await aptUpdate(apt);
  plan = await aptUpgradePlan(apt);
  fullPlan = await aptUpgradePlan(apt, { full: true });
  const db = path.join(work, 'store.db');
  ({ report } = await hostReport(work, ['--root', root, '--format', 'json', '--db', db, '--cache', path.join(work, 'cache')]));
}, 180_000);

afterAll(() => tearDown(work, server, key));

describe('apt-get upgrade keeps back what would need a package installed or removed', () => {
  it('real apt keeps back exactly the expected packages and upgrades the controls (the scenario means what it says)', () => {
    expect(plan.keptBack.sort()).toEqual(KEPT_BACK);
    expect([...aptActions(plan.items).keys()].sort()).toEqual(UPGRADED);
  });

  it('repoclash host names the same kept-back packages, and the same upgrades, as apt-get -s upgrade', () => {
    expect(keptBackOf(report)).toEqual(plan.keptBack.sort());
    expect(disagreements(aptActions(plan.items), repoclashAptActions(report, false), NAMES)).toEqual([]);
  });

  it('a kept-back package is not counted as a vendor change of apt-get upgrade, and says why as apt would', () => {
    const nodejs = report.packages.find((p) => p.name === 'nodejs')!;
    expect(nodejs.action).toBe('kept-back');
    expect(nodejs.to).toBeNull();
    expect(nodejs.keptBack).toMatchObject({ wouldBe: 'vendor-change', to: { evr: '20.11.0-1nodesource1', vendor: 'Node Source' } });
    expect(nodejs.reason).toMatch(/^kept back: nodejs 20\.11\.0-1nodesource1 Conflicts: npm, and npm 9\.2\.0~ds1-2 would stay installed/);
    expect(report.counts['vendor-change']).toBe(0);
    expect(report.counts['kept-back']).toBe(KEPT_BACK.length);
    expect(report.packages.find((p) => p.name === 'newdep-app')!.reason).toMatch(/Depends: libnew1 \(>= 1\.0\), which is not installed/);
    expect(report.packages.find((p) => p.name === 'breaker')!.reason).toMatch(/Breaks: victim \(<< 2\.0\), and victim 1\.0-1 would stay installed/);
    expect(report.packages.find((p) => p.name === 'libpinned')!.reason).toMatch(/installed pinned-tool 1\.0-1 Depends: libpinned \(= 1\.0-1\)/);
    const text = renderHostText(report);
    expect(text).toContain('apt-get upgrade: 4 kept back, 5 upgrades');
    expect(text).toMatch(/nodejs\.amd64 18\.19\.0\+dfsg-6~deb12u1 \(Debian, repo [^)]*\)\n    apt-get upgrade: kept back \(would be: vendor change Debian → 20\.11\.0-1nodesource1 from repo [^\n]* \(Node Source\)\)\n    apt-get full-upgrade: vendor change/);
    // Kept back is reported, but fails the run only when asked (--fail-on kept-back).
    expect(report.packages.filter((p) => p.action === 'kept-back').every((p) => !p.risky || p.syncAction === 'vendor-change')).toBe(true);
  });

  it('full-upgrade may install and remove: NodeSource\'s nodejs replaces npm there, as real apt-get dist-upgrade does', () => {
    const full = aptActions(fullPlan.items);
    expect(full.get('nodejs')).toBe('upgrade 20.11.0-1nodesource1');
    expect(fullPlan.items.some((i) => i.action === 'remove' && i.name === 'npm')).toBe(true);
    const nodejs = report.packages.find((p) => p.name === 'nodejs')!;
    expect(nodejs.syncAction).toBe('vendor-change');
    expect(nodejs.syncTo?.evr).toBe('20.11.0-1nodesource1');
  });
});
