/**
 * Upgrades a held package blocks: app 2.0 needs a newer libx than the held one, tool 2.0 Breaks
 * it, host-app 2.0 would break the held plug (it needs host-app 1.0 exactly). Real apt keeps them
 * back in upgrade and in full-upgrade alike: full-upgrade neither upgrades nor removes a held
 * package to make room. Checked against real apt on the same root.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AptPlan, DpkgStatusEntry } from '../support/apt.js';
import { aptHostWithPlans, debianStable, type AptHostFixture } from '../support/apt-host-fixture.js';
import { aptActions, disagreements, hostReport, repoclashAptActions } from '../support/host-compare.js';
import { tearDown } from '../support/teardown.js';

let served: AptHostFixture;
let work: string;
let root: string;
let plan: AptPlan;
let fullPlan: AptPlan;

const DISTRO = debianStable([
  { name: 'libx', version: '1.0-1' },
  { name: 'libx', version: '2.0-1' },
  { name: 'app', version: '1.0-1', depends: ['libx (>= 1.0)'] },
  { name: 'app', version: '2.0-1', depends: ['libx (>= 2.0)'] },
  // tool 2.0 Breaks the held libx.
  { name: 'tool', version: '1.0-1' },
  { name: 'tool', version: '2.0-1', extraFields: { Breaks: 'libx (<< 2.0)' } },
  // The held plug needs host-app 1.0 exactly.
  { name: 'plug', version: '1.0-1', depends: ['host-app (= 1.0-1)'] },
  { name: 'host-app', version: '1.0-1' },
  { name: 'host-app', version: '2.0-1' },
  { name: 'free', version: '1.0-1' },
  { name: 'free', version: '1.1-1' },
]);
const INSTALLED: DpkgStatusEntry[] = [
  { name: 'libx', version: '1.0-1', status: 'hold ok installed' },
  { name: 'app', version: '1.0-1', extraFields: { Depends: 'libx (>= 1.0)' } },
  { name: 'tool', version: '1.0-1' },
  { name: 'plug', version: '1.0-1', status: 'hold ok installed', extraFields: { Depends: 'host-app (= 1.0-1)' } },
  { name: 'host-app', version: '1.0-1' },
  { name: 'free', version: '1.0-1' },
];
const NAMES = INSTALLED.map((p) => p.name);

beforeAll(async () => {
  served = await aptHostWithPlans('rc-apt-hold-depends-', { debian: [DISTRO] }, INSTALLED);
  ({ work, root, plan, fullPlan } = served);
}, 180_000);

afterAll(() => tearDown(served?.work, served?.server, served?.key));

describe('a held package a new version depends on', () => {
  it('real apt keeps app, tool and host-app back in upgrade and full-upgrade; repoclash agrees in both columns', async () => {
    expect(aptActions(plan.items)).toEqual(new Map([['free', 'upgrade 1.1-1']]));
    expect(aptActions(fullPlan.items)).toEqual(new Map([['free', 'upgrade 1.1-1']]));
    const { report } = await hostReport(work, ['--root', root, '--format', 'json', '--db', path.join(work, 'root.db'), '--cache', path.join(work, 'cache')]);
    expect(disagreements(aptActions(plan.items), repoclashAptActions(report, false), NAMES)).toEqual([]);
    expect(disagreements(aptActions(fullPlan.items), repoclashAptActions(report, true), NAMES)).toEqual([]);
  }, 120_000);
});
