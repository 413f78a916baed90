/**
 * `apt-mark hold`: dpkg's selection `hold` ("hold ok installed" in the status file, `hi` in
 * dpkg-query's abbreviation) keeps a package where it is through `apt-get upgrade` and
 * `full-upgrade` alike, whatever its candidate is — a common way to keep a vendor's package. Checked
 * against real apt on the same root (private APT_CONFIG over ROOT/etc/apt and the root's dpkg
 * status, offline, repos on 127.0.0.1), reading the root and an exported `dpkg-query` list.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DPKG_SHOWFORMAT } from '../../src/host/installed.js';
import type { HostReport } from '../../src/host/types.js';
import type { AptPlan, DpkgStatusEntry } from '../support/apt.js';
import { aptHostWithPlans, debianStable, type AptHostFixture } from '../support/apt-host-fixture.js';
import type { DebSuite } from '../support/deb-repo.js';
import { execTool } from '../support/exec.js';
import { aptActions, disagreements, hostReport, repoclashAptActions } from '../support/host-compare.js';
import { tearDown } from '../support/teardown.js';

let served: AptHostFixture;
let work: string;
let root: string;
let plan: AptPlan;
let fullPlan: AptPlan;

const DISTRO = debianStable([{ name: 'held-vendor', version: '1.0-1' }, { name: 'held-distro', version: '1.0-1' }, { name: 'held-distro', version: '1.1-1' }, { name: 'free', version: '1.0-1' }, { name: 'free', version: '1.1-1' }]);
const VENDOR: DebSuite = { suite: 'stable', origin: 'Vendor', label: 'Vendor', components: ['main'], packages: { main: [{ name: 'held-vendor', version: '2.0-1' }] } };

const INSTALLED: DpkgStatusEntry[] = [
  // Held: the vendor's higher version would be a vendor change, the distro's a plain upgrade.
  { name: 'held-vendor', version: '1.0-1', status: 'hold ok installed' },
  { name: 'held-distro', version: '1.0-1', status: 'hold ok installed' },
  // Control: not held, upgraded.
  { name: 'free', version: '1.0-1' },
];
const NAMES = INSTALLED.map((p) => p.name);

beforeAll(async () => {
  served = await aptHostWithPlans('rc-apt-hold-', { debian: [DISTRO], vendor: [VENDOR] }, INSTALLED);
  ({ work, root, plan, fullPlan } = served);
}, 180_000);

afterAll(() => tearDown(served?.work, served?.server, served?.key));

function expectAgreement(report: HostReport): void {
  expect(disagreements(aptActions(plan.items), repoclashAptActions(report, false), NAMES)).toEqual([]);
  expect(disagreements(aptActions(fullPlan.items), repoclashAptActions(report, true), NAMES)).toEqual([]);
  const by = new Map(report.packages.map((p) => [p.name, p]));
  for (const name of ['held-vendor', 'held-distro']) {
    expect(by.get(name), name).toMatchObject({ action: 'kept-back', syncAction: 'kept-back', to: null, syncTo: null, risky: false });
    expect(by.get(name)!.reason, name).toMatch(/held/);
  }
  // What apt would take, were it not held, is still shown.
  expect(by.get('held-vendor')!.keptBack).toMatchObject({ wouldBe: 'vendor-change', to: { evr: '2.0-1', vendor: 'Vendor' } });
  expect(by.get('free')).toMatchObject({ action: 'upgrade', to: { evr: '1.1-1' } });
}

describe('apt-mark hold', () => {
  it('real apt leaves held packages alone in upgrade and full-upgrade, and upgrades the control', () => {
    expect(plan.keptBack.sort()).toEqual(['held-distro', 'held-vendor']);
    expect(aptActions(plan.items)).toEqual(new Map([['free', 'upgrade 1.1-1']]));
    expect(aptActions(fullPlan.items)).toEqual(new Map([['free', 'upgrade 1.1-1']]));
  });

  it('repoclash host --root keeps held packages back in both columns: no vendor change reported, exit 0', async () => {
    const { run, report } = await hostReport(work, ['--root', root, '--format', 'json', '--db', path.join(work, 'root.db'), '--cache', path.join(work, 'cache')]);
    expectAgreement(report);
    expect(run.code).toBe(0);
  }, 120_000);

  it('repoclash host --installed FILE reads the hold from a dpkg-query export', async () => {
    const format = DPKG_SHOWFORMAT.replaceAll('\\t', '\t').replaceAll('\\n', '\n');
    const exported = await execTool('dpkg-query', [`--admindir=${path.join(root, 'var/lib/dpkg')}`, '-W', `-f=${format}`]);
    const file = path.join(work, 'installed.txt');
    await writeFile(file, exported.stdout);
    const { report } = await hostReport(work, ['--root', root, '--installed', file, '--format', 'json', '--db', path.join(work, 'root.db'), '--cache', path.join(work, 'cache')]);
    expectAgreement(report);
  }, 120_000);
});
