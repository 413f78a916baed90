/**
 * The fleet test: 50 generated host roots, about half RPM and half deb, all drawing on one package
 * set per format (a distribution and three vendors, built once, served on 127.0.0.1). Real dnf
 * (`--assumeno upgrade` in each installroot) and real apt (`apt-get -s upgrade`, private
 * Dir::State) decide each root, which gives the exact set of (host, package, vendor-change |
 * downgrade) the fleet's next upgrade brings. Every root's `repoclash host --root R --format json`
 * must agree with its package manager package by package and name exactly its part of that set.
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostReport } from '../../src/host/types.js';
import { aptActions, dnfActions, disagreements, hostReport, repoclashAptActions, repoclashDnfActions } from '../support/host-compare.js';
import type { RunOptions } from '../support/cli.js';
import { mapLimited } from '../support/exec.js';
import {
  buildDebRoot,
  buildDebWorld,
  buildRpmRoot,
  buildRpmWorld,
  expectedRisks,
  generateHosts,
  generatePackageSet,
  riskKey,
  type BuiltRoot,
  type ExpectedRisk,
  type HostPlan,
  type PackageSet,
} from '../support/fleet-roots.js';
import { makeThrowawayKey, type GpgKey } from '../support/gpg.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { seededRandom } from '../support/seeded-random.js';
import { tearDown } from '../support/teardown.js';

const HOSTS = 50;
const SEED = 16_050;
/** dnf, apt and repoclash runs in flight at once: two cores, used by the other test files too. */
const CONCURRENCY = 2;

let work: string;
let emptyDir: string;
let server: RepoServer;
let key: GpgKey;
let debSet: PackageSet;
let roots: BuiltRoot[];
let expected: ExpectedRisk[];

/**
 * As a new user runs it: from an empty directory, no repos.yaml of its own. HOME stays: Debian's
 * rpm finds an installroot's rpmdb at ROOT/$HOME/.rpmdb, for dnf and repoclash alike.
 */
const asNewUser = (): RunOptions => ({ home: 'inherited', env: { XDG_CONFIG_HOME: path.join(emptyDir, 'config') } });

async function hostJson(r: BuiltRoot): Promise<HostReport> {
  const db = path.join(work, 'stores', `${r.plan.host}.db`);
  return (await hostReport(emptyDir, ['--root', r.root, '--format', 'json', '--db', db, '--cache', `${db}-cache`], asNewUser())).report;
}

/** repoclash's risks in the expected set's spelling (what `upgrade` does). */
function reportedRisks(host: string, report: HostReport): ExpectedRisk[] {
  return report.packages.flatMap((p) => (p.action === 'vendor-change' || p.action === 'downgrade' ? [{ host, name: p.name, kind: p.action }] : []));
}

const keys = (risks: readonly ExpectedRisk[]): string[] => risks.map(riskKey).sort();

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-fleet-'));
  emptyDir = path.join(work, 'empty');
  const srv = path.join(work, 'srv');
  await mkdir(emptyDir, { recursive: true });
  await mkdir(path.join(work, 'stores'), { recursive: true });
  const random = seededRandom(SEED);
  const rpmSet = generatePackageSet(random, 'rpm');
  debSet = generatePackageSet(random, 'deb');
  key = await makeThrowawayKey(path.join(work, 'key'));
  const rpmWorld = await buildRpmWorld(rpmSet, srv, work);
  await buildDebWorld(debSet, srv, key);
  server = await startRepoServer({ root: srv });
  const plans = generateHosts(random, HOSTS, rpmSet, debSet);
  roots = await mapLimited<HostPlan, BuiltRoot>(plans, CONCURRENCY, (plan) => (plan.format === 'rpm' ? buildRpmRoot(plan, rpmWorld, work, server.url) : buildDebRoot(plan, work, server.url, key)));
  expected = roots.flatMap((r) => expectedRisks(r, debSet));
}, 600_000);

afterAll(() => tearDown(work, server, key));

describe('a generated fleet of 50 host roots, decided by real dnf and apt', () => {
  it('is a fleet worth testing: both formats, and hosts that change vendor, downgrade, or neither', () => {
    const formats = roots.map((r) => r.plan.format);
    expect(formats.filter((f) => f === 'rpm').length).toBeGreaterThanOrEqual(20);
    expect(formats.filter((f) => f === 'deb').length).toBeGreaterThanOrEqual(20);
    const hostsWith = (kind: string, format?: string) => new Set(expected.filter((e) => e.kind === kind && (format === undefined || roots.find((r) => r.plan.host === e.host)!.plan.format === format)).map((e) => e.host)).size;
    expect(hostsWith('vendor-change', 'rpm')).toBeGreaterThanOrEqual(3);
    expect(hostsWith('vendor-change', 'deb')).toBeGreaterThanOrEqual(3);
    expect(hostsWith('downgrade')).toBeGreaterThanOrEqual(3);
    expect(roots.filter((r) => !expected.some((e) => e.host === r.plan.host)).length).toBeGreaterThanOrEqual(3);
    // Names shipped by several vendors are at stake on several hosts.
    expect(new Set(expected.map((e) => e.name)).size).toBeGreaterThanOrEqual(4);
  });

  it('each root: repoclash host --root R --format json agrees with its package manager and names exactly its risks', async () => {
    const results = await mapLimited(roots, CONCURRENCY, async (r) => {
      const report = await hostJson(r);
      const names = r.plan.installed.map((b) => b.name);
      const disagree =
        r.format === 'rpm'
          ? disagreements(dnfActions(r.dnf.items), repoclashDnfActions(report, false), names)
          : disagreements(aptActions(r.apt.items), repoclashAptActions(report, false), names);
      return { host: r.plan.host, disagree: disagree.map((d) => `${r.plan.host} ${d}`), risks: reportedRisks(r.plan.host, report), installed: report.installedCount };
    });
    expect(results.flatMap((r) => r.disagree)).toEqual([]);
    expect(keys(results.flatMap((r) => r.risks))).toEqual(keys(expected));
    expect(results.map((r) => r.installed)).toEqual(roots.map((r) => r.plan.installed.length));
  }, 900_000);
});
