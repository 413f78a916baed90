/**
 * The fleet test: 50 generated host roots, about half RPM and half deb, all drawing on one package
 * set per format (a distribution and three vendors, built once, served on 127.0.0.1). Real dnf
 * (`--assumeno upgrade` in each installroot) and real apt (`apt-get -s upgrade`, private
 * Dir::State) decide each root, which gives the exact set of (host, package, vendor-change |
 * downgrade) the fleet's next upgrade brings. Every root's `repoclash host --root R --format json`
 * must agree with its package manager package by package and name exactly its part of that set;
 * then all 50 report into ONE PostgreSQL store (`host --report-to URL --host-name hNN`) and
 * `repoclash fleet --db URL --format json` must name, per package and kind, exactly those hosts.
 * PostgreSQL: the suite's cluster under `npm run test:postgres`, else a throwaway one of its own.
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetReport } from '../../src/fleet/types.js';
import type { HostReport } from '../../src/host/types.js';
import { aptActions, dnfActions, disagreements, hostReport, repoclashAptActions, repoclashDnfActions } from '../support/host-compare.js';
import { repoclash, type RunOptions } from '../support/cli.js';
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
import { postgresStoreFor } from '../support/throwaway-postgres.js';

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

async function hostJson(r: BuiltRoot, extra: string[] = []): Promise<HostReport> {
  const db = path.join(work, 'stores', `${r.plan.host}.db`);
  return (await hostReport(emptyDir, ['--root', r.root, '--format', 'json', '--db', db, '--cache', `${db}-cache`, ...extra], asNewUser())).report;
}

/** repoclash's risks in the expected set's spelling (what `upgrade` does). */
function reportedRisks(host: string, report: HostReport): ExpectedRisk[] {
  return report.packages.flatMap((p) => (p.to !== null && (p.action === 'vendor-change' || p.action === 'downgrade') ? [{ host, name: p.name, kind: p.action, evr: p.to.evr }] : []));
}

const keys = (risks: ReadonlyArray<Omit<ExpectedRisk, 'evr'>>): string[] => risks.map(riskKey).sort();

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

describe('the same 50 roots reported into one PostgreSQL store', () => {
  it('repoclash fleet --format json names, per package and kind, exactly the hosts real dnf / apt would move', async () => {
    const pg = await postgresStoreFor(path.join(work, 'fleet-store'));
    try {
      const own = await mapLimited(roots, CONCURRENCY, async (r) => {
        const report = await hostJson(r, ['--report-to', pg.url, '--host-name', r.plan.host, '--host-group', `${r.format}-fleet`]);
        return reportedRisks(r.plan.host, report);
      });
      // What each host reported is what its package manager does (as in step 1).
      expect(keys(own.flat())).toEqual(keys(expected));

      const run = await repoclash(emptyDir, ['fleet', '--db', pg.url, '--format', 'json'], asNewUser());
      // The fleet has vendor changes and downgrades: the default --fail-on fails.
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 1, stderr: '' });
      const fleet = JSON.parse(run.stdout) as FleetReport;
      const byHost = [...roots].sort((a, b) => a.plan.host.localeCompare(b.plan.host));
      expect(fleet.hosts.map((h) => [h.host, h.group, h.format, h.installed, h.stale])).toEqual(
        byHost.map((r) => [r.plan.host, `${r.format}-fleet`, r.format, r.plan.installed.length, false]),
      );
      expect(fleet.stale).toEqual([]);
      // Exactly the expected (host, package, kind), grouped per package and kind, sorted as the contract says.
      const named = fleet.risks.flatMap((g) => g.hosts.map((h) => ({ host: h.host, name: g.name, kind: g.kind })));
      expect(keys(named)).toEqual(keys(expected));
      const groups = fleet.risks.map((g) => `${g.name} ${g.kind}`);
      expect(groups).toEqual([...new Set(expected.map((e) => `${e.name} ${e.kind}`))].sort());
      for (const g of fleet.risks) expect(g.hosts.map((h) => h.host)).toEqual([...g.hosts.map((h) => h.host)].sort());
      // Where each host goes is where its package manager takes it.
      const target = new Map(expected.map((e) => [riskKey(e), e.evr]));
      expect(fleet.risks.flatMap((g) => g.hosts.map((h) => `${h.host} ${g.name} ${g.kind} → ${h.target.evr}`))).toEqual(
        fleet.risks.flatMap((g) => g.hosts.map((h) => `${h.host} ${g.name} ${g.kind} → ${target.get(riskKey({ host: h.host, name: g.name, kind: g.kind }))}`)),
      );
    } finally {
      await pg.close();
    }
  }, 900_000);
});
