/**
 * `repoclash host --report-to` and `repoclash fleet` end to end, on whichever store the suite runs
 * on (SQLite, or PostgreSQL under `npm run test:postgres`): rpm hosts (yum repos under --root, an
 * exported installed list) and deb hosts (apt sources and dpkg status under --root), repos built by
 * rpmbuild + createrepo_c / dpkg-deb + apt-ftparchive and served on 127.0.0.1. `fleet` must name a
 * host under a risk exactly when that host's own `host` report has it.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetReport } from '../../src/fleet/types.js';
import type { HostReport } from '../../src/host/types.js';
import { Store } from '../../src/store/index.js';
import { writeDebHostRoot, type DpkgStatusEntry } from '../support/apt.js';
import { repoclash as runCli, type Run } from '../support/cli.js';
import { buildDebRepo, type DebSuite } from '../support/deb-repo.js';
import { makeThrowawayKey, type GpgKey } from '../support/gpg.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { buildRpmRepo, type RpmSpec } from '../support/rpm-repo.js';
import { tearDown } from '../support/teardown.js';
import { testStoreLocation } from '../support/test-store.js';
import { HOST_REPOS_ONLY_CONFIG } from '../support/repos-yaml.js';

let work: string;
let server: RepoServer;
let key: GpgKey;
let config: string;
/** The fleet's store (a file name; a schema of the test database under test:postgres). */
let fleetDb: string;

const FEDORA = 'Fedora Project';
const GRAFANA = 'Grafana Labs';
const rpm = (name: string, version: string, release: string, vendor: string): RpmSpec => ({ name, version, release, vendor, arch: 'noarch' });

const DISTRO: DebSuite = { suite: 'stable', codename: 'bookworm', origin: 'Distro', label: 'Distro', components: ['main'], packages: { main: [{ name: 'tool', version: '1.0-1' }] } };
const EXTRA: DebSuite = { suite: 'extra', codename: 'extra', origin: 'Extra', label: 'Extra', components: ['main'], packages: { main: [{ name: 'tool', version: '2.0~bpo1-1' }] } };

function repoclash(args: string[]): Promise<Run> {
  return runCli(work, args);
}

/** An rpm host: yum repo files and os-release under the root, the installed list exported beside it. */
async function rpmHost(name: string, repos: string[], installed: string[]): Promise<{ root: string; installed: string }> {
  const root = path.join(work, name);
  await mkdir(path.join(root, 'etc/yum.repos.d'), { recursive: true });
  await writeFile(path.join(root, 'etc/os-release'), 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=40\n');
  const sections = repos.map((r) => `[${r}]\nname=${r}\nbaseurl=${server.url}/rpm/${r}/\ngpgcheck=0\n`);
  await writeFile(path.join(root, 'etc/yum.repos.d/test.repo'), sections.join('\n'));
  const list = path.join(work, `${name}-installed.txt`);
  await writeFile(list, installed.map((l) => l + '\n').join(''));
  return { root, installed: list };
}

/** A deb host: sources.list, a trusted key, optional preferences and the dpkg status under the root. */
async function debHost(name: string, installed: DpkgStatusEntry[], preferences?: string): Promise<string> {
  const root = path.join(work, name);
  await writeDebHostRoot(root, {
    sources: [`deb ${server.url}/deb/distro stable main`, `deb ${server.url}/deb/extra extra main`],
    keyring: key.publicKeyringPath,
    installed,
    files: { 'etc/os-release': 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\n', ...(preferences === undefined ? {} : { 'etc/apt/preferences.d/pin.pref': preferences }) },
  });
  return root;
}

/** `host --report-to` for one root: its own report (JSON) and the run. */
async function report(host: string, root: string, extra: string[]): Promise<{ run: Run; report: HostReport }> {
  const run = await repoclash(['host', '--root', root, '--config', config, '--db', path.join(work, `${host}.db`), '--cache', path.join(work, 'cache'), '--format', 'json', '--report-to', fleetDb, '--host-name', host, ...extra]);
  if (run.code !== 0 && run.code !== 1) throw new Error(`host ${host} exited ${run.code}:\n${run.stderr}`);
  return { run, report: JSON.parse(run.stdout) as HostReport };
}

async function fleet(args: string[] = [], db = fleetDb): Promise<Run> {
  return repoclash(['fleet', '--config', config, '--db', db, ...args]);
}

/** (host, package, kind) triples: what a host report flags, and what fleet names. */
function hostRisks(host: string, r: HostReport): string[] {
  return r.packages.filter((p) => p.action === 'vendor-change' || p.action === 'downgrade').map((p) => `${host} ${p.name} ${p.action}`);
}
function fleetRisks(f: FleetReport): string[] {
  return f.risks.flatMap((r) => r.hosts.map((h) => `${h.host} ${r.name} ${r.kind}`));
}

const reports = new Map<string, HostReport>();

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-fleet-'));
  key = await makeThrowawayKey(path.join(work, 'key'));
  await buildRpmRepo({ dir: path.join(work, 'srv/rpm/fedora'), rpms: [rpm('grafana', '10.2.6', '1.fc40', FEDORA), rpm('curl', '8.6.0', '1.fc40', FEDORA)] });
  await buildRpmRepo({ dir: path.join(work, 'srv/rpm/grafana'), rpms: [rpm('grafana', '11.1.0', '1', GRAFANA)] });
  await buildDebRepo({ dir: path.join(work, 'srv/deb/distro'), suites: [DISTRO], sign: key });
  await buildDebRepo({ dir: path.join(work, 'srv/deb/extra'), suites: [EXTRA], sign: key });
  server = await startRepoServer({ root: path.join(work, 'srv') });
  // Only the hosts' own repos (the shipped repos.yaml would add its own).
  config = path.join(work, 'repos.yaml');
  await writeFile(config, HOST_REPOS_ONLY_CONFIG);
  fleetDb = path.join(work, 'fleet.db');

  const fedora = 'grafana\t0\t10.2.6\t1.fc40\tnoarch\tFedora Project\t1700000000';
  const curl = 'curl\t0\t8.6.0\t1.fc40\tnoarch\tFedora Project\t1700000000';
  const grafanaFromGrafana = 'grafana\t0\t11.1.0\t1\tnoarch\tGrafana Labs\t1700000000';
  const r1 = await rpmHost('r1', ['fedora', 'grafana'], [fedora, curl]);
  const r2 = await rpmHost('r2', ['fedora'], [fedora, curl]);
  const r3 = await rpmHost('r3', ['fedora', 'grafana'], [grafanaFromGrafana, curl]);
  for (const [name, h] of Object.entries({ r1, r2, r3 })) reports.set(name, (await report(name, h.root, ['--installed', h.installed])).report);
  const d1 = await debHost('d1', [{ name: 'tool', version: '1.0-1' }]);
  const d2 = await debHost('d2', [{ name: 'tool', version: '2.0~bpo1-1' }], 'Package: *\nPin: release o=Distro\nPin-Priority: 1001\n');
  reports.set('d1', (await report('d1', d1, [])).report);
  reports.set('d2', (await report('d2', d2, [])).report);
}, 240_000);

afterAll(() => tearDown(work, server, key));

describe('host --report-to, then fleet', () => {
  it("fleet --format json names exactly the (host, package, kind) each host's own report flags", async () => {
    const expected = [...reports].flatMap(([host, r]) => hostRisks(host, r)).sort();
    // The roots are built to have each kind once at least: the comparison is not vacuous.
    expect(expected).toEqual(['d1 tool vendor-change', 'd2 tool downgrade', 'r1 grafana vendor-change']);
    const run = await fleet(['--format', 'json']);
    expect(run.code).toBe(1);
    const f = JSON.parse(run.stdout) as FleetReport;
    expect(fleetRisks(f).sort()).toEqual(expected);
    expect(f.risks.map((r) => `${r.name} ${r.kind}`)).toEqual(['grafana vendor-change', 'tool downgrade', 'tool vendor-change']);
    const grafana = f.risks.find((r) => r.name === 'grafana')!;
    expect(grafana.hosts).toEqual([{ host: 'r1', arch: 'noarch', installed: { evr: '10.2.6-1.fc40', vendor: FEDORA, repo: 'fedora' }, target: { evr: '11.1.0-1', vendor: GRAFANA, repo: 'grafana' } }]);
  });

  it('records each host: group from os-release, format, installed count, repo labels; not stale', async () => {
    const f = JSON.parse((await fleet(['--format', 'json'])).stdout) as FleetReport;
    expect(f.staleDays).toBe(7);
    expect(f.hosts.map((h) => [h.host, h.group, h.format, h.installed, h.stale])).toEqual([
      ['d1', 'debian-12', 'deb', 1, false],
      ['d2', 'debian-12', 'deb', 1, false],
      ['r1', 'fedora-40', 'rpm', 2, false],
      ['r2', 'fedora-40', 'rpm', 2, false],
      ['r3', 'fedora-40', 'rpm', 2, false],
    ]);
    expect(f.hosts.find((h) => h.host === 'r1')!.repos).toEqual(['fedora', 'grafana']);
    expect(f.stale).toEqual([]);
    const store = Store.open({ path: testStoreLocation(fleetDb) });
    try {
      expect(store.fleetPackages('r3').map((p) => `${p.name} ${p.evr} ${p.vendor}`)).toEqual(['curl 8.6.0-1.fc40 Fedora Project', 'grafana 11.1.0-1 Grafana Labs']);
    } finally {
      store.close();
    }
  });

  it("repo drift: the host lacking the group's majority repo is named, the other group is not", async () => {
    const f = JSON.parse((await fleet(['--format', 'json'])).stdout) as FleetReport;
    expect(f.repoDrift).toEqual([{ host: 'r2', group: 'fedora-40', missing: ['grafana'], extra: [] }]);
  });

  it('--fail-on decides exit 1; text and markdown say the same', async () => {
    expect((await fleet(['--fail-on', 'stale'])).code).toBe(0);
    expect((await fleet(['--fail-on', 'repo-drift'])).code).toBe(1);
    expect((await fleet(['--fail-on', 'downgrade'])).code).toBe(1);
    expect((await fleet(['--fail-on', 'nonsense'])).code).toBe(2);
    const text = await fleet();
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('repoclash fleet: 5 hosts in 2 groups, 2 risky packages on 3 hosts');
    expect(text.stdout).toContain('grafana: vendor change on 1 host');
    expect(text.stdout).toContain('r1 noarch: 10.2.6-1.fc40 (Fedora Project, repo fedora) → 11.1.0-1 (Grafana Labs, repo grafana)');
    expect(text.stdout).toContain('r2 (group fedora-40): missing grafana');
    const md = await fleet(['--format', 'markdown']);
    expect(md.stdout).toContain('| `tool` | downgrade | d2 |');
    expect(md.stdout).toContain('| r2 | fedora-40 | grafana |  |');
  });

  it("a re-report replaces the host's rows: r1 after moving to grafana.com's build is no longer at risk", async () => {
    const list = path.join(work, 'r1-after.txt');
    await writeFile(list, 'grafana\t0\t11.1.0\t1\tnoarch\tGrafana Labs\t1700000000\ncurl\t0\t8.6.0\t1.fc40\tnoarch\tFedora Project\t1700000000\n');
    const again = await report('r1', path.join(work, 'r1'), ['--installed', list, '--host-group', 'web']);
    expect(hostRisks('r1', again.report)).toEqual([]);
    const f = JSON.parse((await fleet(['--format', 'json'])).stdout) as FleetReport;
    expect(fleetRisks(f).sort()).toEqual(['d1 tool vendor-change', 'd2 tool downgrade']);
    expect(f.hosts).toHaveLength(5);
    expect(f.hosts.find((h) => h.host === 'r1')!.group).toBe('web');
    // r2 and r3 are now fedora-40's two hosts: grafana is on one of two, not on more than half.
    expect(f.repoDrift).toEqual([{ host: 'r3', group: 'fedora-40', missing: [], extra: ['grafana'] }]);
  });

  it('a host not reported for more than --stale-days days is stale; --fail-on stale then exits 1', async () => {
    const store = Store.open({ path: testStoreLocation(fleetDb) });
    try {
      store.saveFleetReport({ host: 'old1', group: 'fedora-40', format: 'rpm', reportedAt: Date.now() - 9.5 * 86_400_000, repos: ['fedora'], installed: [], risks: [] });
    } finally {
      store.close();
    }
    const f = JSON.parse((await fleet(['--format', 'json'])).stdout) as FleetReport;
    expect(f.stale).toEqual([{ host: 'old1', reportedAt: expect.any(String), days: 9 }]);
    expect(f.hosts.find((h) => h.host === 'old1')!.stale).toBe(true);
    expect((await fleet(['--fail-on', 'stale'])).code).toBe(1);
    const longer = JSON.parse((await fleet(['--format', 'json', '--stale-days', '10'])).stdout) as FleetReport;
    expect(longer.stale).toEqual([]);
  });

  it('exit 3 with a message when there is no store, or no host has reported to it', async () => {
    const none = await fleet([], path.join(work, 'nothing.db'));
    expect(none.code).toBe(3);
    // A SQLite file that does not exist is no store; a PostgreSQL schema is created on first use, so it is an empty one.
    expect(none.stderr).toMatch(/(no store at|no host has reported to) .* yet: run `repoclash host --report-to STORE` on the hosts first/);
    const emptyDb = path.join(work, 'empty.db');
    Store.open({ path: testStoreLocation(emptyDb) }).close();
    const empty = await fleet([], emptyDb);
    expect(empty.code).toBe(3);
    expect(empty.stderr).toMatch(/no host has reported to .* yet/);
    expect(empty.stdout).toBe('');
  });

  it('--host-name and --host-group without --report-to is a usage error', async () => {
    const run = await repoclash(['host', '--root', path.join(work, 'r2'), '--config', config, '--installed', path.join(work, 'r2-installed.txt'), '--host-name', 'x', '--no-refresh', '--db', path.join(work, 'r2.db')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--host-name and --host-group apply only with --report-to');
  });
});

describe('hostile host names, groups and repo labels', () => {
  const HOST = 'evil\x1b]0;pwned\x07\u202ehost';
  const GROUP = 'grp|<script>alert(1)</script>';
  const LABEL = '[click](http://evil.invalid/) <img src=x onerror=alert(1)> | `x` \x1b[2J';
  let db: string;

  beforeAll(async () => {
    db = path.join(work, 'hostile.db');
    const h = await rpmHost('hostile', ['fedora', 'grafana'], ['grafana\t0\t10.2.6\t1.fc40\tnoarch\tFedora Project\t1700000000']);
    const run = await repoclash(['host', '--root', h.root, '--config', config, '--db', path.join(work, 'hostile-local.db'), '--cache', path.join(work, 'cache'), '--installed', h.installed, '--report-to', db, '--host-name', HOST, '--host-group', GROUP]);
    expect(run.code).toBe(1);
    // A label no config file would allow, straight into the store: renderers must not trust it either.
    const store = Store.open({ path: testStoreLocation(db) });
    try {
      store.saveFleetReport({ host: 'plain', group: GROUP, format: 'rpm', reportedAt: Date.now(), repos: [LABEL], installed: [], risks: [] });
    } finally {
      store.close();
    }
  }, 120_000);

  it('text: no raw escape or bidi character reaches the terminal; they are shown escaped', async () => {
    const run = await fleet([], db);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
    expect(run.stdout).toContain('evil\\x1b]0;pwned\\x07\\u202ehost');
    expect(run.stdout).toContain('\\x1b[2J');
  });

  it('markdown: no live markup, links or table breaks from the names', async () => {
    const run = await fleet(['--format', 'markdown'], db);
    expect(run.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
    // Every markup character of the names arrives escaped (a backslash before it).
    expect(run.stdout).not.toMatch(/(^|[^\\])<(script|img)/);
    expect(run.stdout).not.toMatch(/(^|[^\\])\[click/);
    expect(run.stdout).toContain('\\<img src=x onerror=alert(1)\\>');
    const rows = run.stdout.split('\n').filter((l) => l.startsWith('|'));
    // Header and separator of each table, plus risks (1 row), repo drift (2) and hosts (2): every row a hostile name reaches is checked.
    expect(rows).toHaveLength(11);
    for (const line of rows) {
      // Every row has as many unescaped cell separators as its table's header.
      const cells = line.replace(/\\\|/g, '').split('|').length;
      expect([8, 6]).toContain(cells);
    }
  });

  it('json: the names survive exactly, no raw control characters', async () => {
    const run = await fleet(['--format', 'json'], db);
    expect(run.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
    const f = JSON.parse(run.stdout) as FleetReport;
    expect(f.hosts.map((h) => h.host).sort()).toEqual([HOST, 'plain'].sort());
    expect(f.hosts.find((h) => h.host === 'plain')!.repos).toEqual([LABEL]);
  });
});
