/**
 * apt's phased updates (Phased-Update-Percentage), against real `apt-get -s upgrade` and
 * `-s dist-upgrade` on the same root: each machine draws 0–100 per phased version from the source
 * name, the source version and its machine-id, and apt holds the version back when the draw is
 * above the percentage — unless a security update lies between the installed version and it. The
 * percentages are set one below and at each package's draw, so a draw off by one, a seed from the
 * binary instead of the source, or a missed exception disagrees with apt. Then the same root with
 * APT::Get::Always- and Never-Include-Phased-Updates.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phasingDraw } from '../../src/analysis/resolve/apt-phasing.js';
import type { HostReport } from '../../src/host/types.js';
import { aptConfigForRoot, aptUpdate, aptUpgradePlan, writeDebHostRoot, type AptPlan, type DpkgStatusEntry } from '../support/apt.js';
import { buildDebRepo, type DebSpec, type DebSuite } from '../support/deb-repo.js';
import { makeThrowawayKey, type GpgKey } from '../support/gpg.js';
import { aptActions, disagreements, hostReport, repoclashAptActions } from '../support/host-compare.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { tearDown } from '../support/teardown.js';

const MACHINE_ID = '5f3c0b9e2a7d4e61b8c9d0e1f2a3b4c5';

let work: string;
let server: RepoServer;
let key: GpgKey;

/** The draw of a version whose source is `source` at `sourceVersion` on this machine. */
const draw = (source: string, sourceVersion: string) => phasingDraw(source, sourceVersion, MACHINE_ID);

/**
 * A phased version that this machine is (in: true) or is not in the phase of: the percentage is
 * the draw itself (in) or one below it (out). A draw of 0 cannot be out: then it is in at 0.
 */
function phased(spec: DebSpec, inPhase: boolean, seed: { source: string; version: string } = { source: spec.name, version: spec.version }): DebSpec {
  const d = draw(seed.source, seed.version);
  const percentage = inPhase || d === 0 ? d : d - 1;
  return { ...spec, extraFields: { ...spec.extraFields, 'Phased-Update-Percentage': String(percentage) } };
}

const INSTALLED: DpkgStatusEntry[] = [
  { name: 'in-phase', version: '1.0-1' },
  { name: 'out-of-phase', version: '1.0-1' },
  { name: 'binnmu', version: '2.0-1', source: 'binnmu-src' },
  { name: 'past-security', version: '1.0-1' },
  { name: 'libcore', version: '1.0-1' },
  { name: 'core-app', version: '1.0-1', extraFields: { Depends: 'libcore (>= 1.0)' } },
  { name: 'vendor-tool', version: '3.0-1vendor1' },
  { name: 'not-phased', version: '1.0-1' },
];
const NAMES = INSTALLED.map((p) => p.name).sort();

function updatesSuite(): DebSuite {
  return {
    suite: 'stable-updates',
    codename: 'bookworm-updates',
    origin: 'Debian',
    label: 'Debian',
    components: ['main'],
    packages: {
      main: [
        phased({ name: 'in-phase', version: '1.1-1' }, true),
        phased({ name: 'out-of-phase', version: '1.1-1' }, false),
        // A binNMU: the draw is seeded with the source's name and version, not the binary's.
        phased({ name: 'binnmu', version: '2.1-1+b1', source: 'binnmu-src (2.1-1)' }, false, { source: 'binnmu-src', version: '2.1-1' }),
        // Out of the phase, but a security update lies between: apt takes it anyway.
        phased({ name: 'past-security', version: '1.2-1' }, false),
        // A library out of the phase, and an app whose new version needs it: kept back in cascade.
        phased({ name: 'libcore', version: '2.0-1' }, false),
        { name: 'core-app', version: '2.0-1', depends: ['libcore (>= 2.0)'] },
        // The distro's newer build of a vendor's package, out of the phase: no vendor change today.
        phased({ name: 'vendor-tool', version: '3.1-1' }, false),
        { name: 'not-phased', version: '1.1-1' },
      ],
    },
  };
}

const SECURITY: DebSuite = {
  suite: 'stable-security',
  codename: 'bookworm-security',
  origin: 'Debian',
  label: 'Debian-Security',
  components: ['main'],
  packages: { main: [{ name: 'past-security', version: '1.1-1' }] },
};

const VENDOR: DebSuite = { suite: 'stable', codename: 'stable', origin: 'Vendor', label: 'Vendor', components: ['main'], packages: { main: [{ name: 'vendor-tool', version: '3.0-1vendor1' }] } };

interface Run {
  plan: AptPlan;
  fullPlan: AptPlan;
  report: HostReport;
}

/** A root with the repos, this machine-id and `aptConf` in its apt.conf.d: real apt's plans and repoclash's report. */
async function runRoot(label: string, aptConf: string): Promise<Run> {
  const root = path.join(work, `root-${label}`);
  await writeDebHostRoot(root, {
    sources: [`deb ${server.url}/debian stable-updates main`, `deb ${server.url}/security stable-security main`, `deb ${server.url}/vendor stable main`],
    keyring: key.publicKeyringPath,
    installed: INSTALLED,
    files: { 'etc/machine-id': `${MACHINE_ID}\n`, 'etc/apt/apt.conf.d/50phasing': aptConf },
  });
  const apt = await aptConfigForRoot(root, path.join(work, `apt-${label}`));
  await aptUpdate(apt);
  const plan = await aptUpgradePlan(apt);
  const fullPlan = await aptUpgradePlan(apt, { full: true });
  const { report } = await hostReport(work, ['--root', root, '--format', 'json', '--db', path.join(work, `${label}.db`), '--cache', path.join(work, 'cache')]);
  return { plan, fullPlan, report };
}

let drawn: Run;
let always: Run;
let never: Run;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-phased-'));
  key = await makeThrowawayKey(path.join(work, 'key'));
  await buildDebRepo({ dir: path.join(work, 'srv/debian'), suites: [updatesSuite()], sign: key });
  await buildDebRepo({ dir: path.join(work, 'srv/security'), suites: [SECURITY], sign: key });
  await buildDebRepo({ dir: path.join(work, 'srv/vendor'), suites: [VENDOR], sign: key });
  server = await startRepoServer({ root: path.join(work, 'srv') });
  drawn = await runRoot('draw', '// apt draws per machine\n');
  always = await runRoot('always', 'APT::Get::Always-Include-Phased-Updates "true";\n');
  never = await runRoot('never', 'APT::Get::Never-Include-Phased-Updates "yes";\n');
}, 240_000);

afterAll(() => tearDown(work, server, key));

const kept = (r: HostReport) => r.packages.filter((p) => p.action === 'kept-back').map((p) => p.name).sort();

describe('phased updates, as real apt holds them back on this machine', () => {
  it('real apt holds back exactly the out-of-phase updates and what needs them (the scenario means what it says)', () => {
    expect(drawn.plan.keptBack.sort()).toEqual(['binnmu', 'core-app', 'libcore', 'out-of-phase', 'vendor-tool']);
    expect([...aptActions(drawn.plan.items).keys()].sort()).toEqual(['in-phase', 'not-phased', 'past-security']);
  });

  it('repoclash host predicts apt-get upgrade and full-upgrade package by package', () => {
    expect(disagreements(aptActions(drawn.plan.items), repoclashAptActions(drawn.report, false), NAMES)).toEqual([]);
    expect(disagreements(aptActions(drawn.fullPlan.items), repoclashAptActions(drawn.report, true), NAMES)).toEqual([]);
    expect(kept(drawn.report)).toEqual(drawn.plan.keptBack.sort());
  });

  it('says why: the phased percentage and this machine\'s draw; a held-back vendor change is no vendor change today', () => {
    const out = drawn.report.packages.find((p) => p.name === 'out-of-phase')!;
    const d = draw('out-of-phase', '1.1-1');
    expect(out.reason.startsWith(`kept back: out-of-phase 1.1-1 is a phased update (${d - 1}% of machines so far) and this machine's draw is ${d} (the candidate 1.1-1: `)).toBe(true);
    const vendor = drawn.report.packages.find((p) => p.name === 'vendor-tool')!;
    expect(vendor.action).toBe('kept-back');
    expect(vendor.keptBack?.wouldBe).toBe('vendor-change');
    expect(drawn.report.counts['vendor-change']).toBe(0);
  });

  it('APT::Get::Always-Include-Phased-Updates takes every update, Never-Include holds every phased one, as apt does', () => {
    for (const run of [always, never]) {
      expect(disagreements(aptActions(run.plan.items), repoclashAptActions(run.report, false), NAMES)).toEqual([]);
      expect(disagreements(aptActions(run.fullPlan.items), repoclashAptActions(run.report, true), NAMES)).toEqual([]);
    }
    expect(always.plan.keptBack).toEqual([]);
    // Never: every phased version is held, even in phase; the security exception still applies.
    expect(kept(never.report)).toEqual(['binnmu', 'core-app', 'in-phase', 'libcore', 'out-of-phase', 'vendor-tool']);
  });
});
