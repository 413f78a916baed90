/**
 * The seed story end to end (the PackageNameClashProblem seed: grafana, Fedora 30, Prometheus 1.8): repos built by the real
 * tools, served on 127.0.0.1, crawled week after week (the crawl clock is injected), winners
 * recorded after each crawl as `repoclash crawl` does, then audited — in process and through the
 * real CLI.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditResult } from '../../src/analysis/audit.js';
import type { ClashFinding, LagFinding, PingPongFinding, RegressionFinding } from '../../src/analysis/findings.js';
import { loadAnalysisData, loadAuditData } from '../../src/run/analysis-input.js';
import { recordWinners } from '../../src/run/winners.js';
import { parseConfig } from '../../src/config/repos-yaml.js';
import type { Config } from '../../src/config/types.js';
import { crawlRepos } from '../../src/crawl/crawl.js';
import { Store } from '../../src/store/index.js';
import { buildDebRepo, type DebSpec } from '../support/deb-repo.js';
import { makeThrowawayKey, type GpgKey } from '../support/gpg.js';
import { testCrawlContext } from '../support/crawl-context.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { repoclash } from '../support/cli.js';
import { repoRoot } from '../support/paths.js';
import { buildRpmRepo, type RpmSpec } from '../support/rpm-repo.js';
import { testStoreLocation } from '../support/test-store.js';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** Monday 2019-05-06, the week Fedora's grafana package appeared. */
const T0 = Date.UTC(2019, 4, 6);
const s = (iso: string) => Math.floor(Date.parse(iso) / 1000);

const grafanaCom = (version: string, built: string): RpmSpec => ({
  name: 'grafana',
  version,
  release: '1',
  arch: 'x86_64',
  vendor: 'Grafana Labs',
  url: 'https://grafana.com',
  summary: 'Grafana',
  buildTime: s(built),
});
const fedoraGrafana = (version: string, dist: string, built: string): RpmSpec => ({
  name: 'grafana',
  version,
  release: `1.${dist}`,
  arch: 'x86_64',
  vendor: 'Fedora Project',
  url: 'https://grafana.org',
  summary: 'Metrics dashboard and graph editor',
  buildTime: s(built),
});
const fedoraBase: RpmSpec[] = [
  { name: 'bash', version: '4.4.23', release: '5.fc29', arch: 'x86_64', vendor: 'Fedora Project', buildTime: s('2018-10-01') },
  // Fedora's frozen Prometheus, long after upstream 2.0.0 (2017-11-08).
  { name: 'prometheus', version: '1.8.0', release: '3.fc29', arch: 'x86_64', vendor: 'Fedora Project', url: 'https://prometheus.io', buildTime: s('2018-07-14') },
];
const prometheusUpstream: RpmSpec[] = [
  { name: 'prometheus', version: '1.8.2', release: '1', arch: 'x86_64', vendor: 'Prometheus', url: 'https://prometheus.io', buildTime: s('2017-11-04') },
  { name: 'prometheus', version: '2.0.0', release: '1', arch: 'x86_64', vendor: 'Prometheus', url: 'https://prometheus.io', buildTime: s('2017-11-08') },
  { name: 'prometheus', version: '2.9.2', release: '1', arch: 'x86_64', vendor: 'Prometheus', url: 'https://prometheus.io', buildTime: s('2019-04-25') },
].filter((p) => p.version !== '1.8.2'); // upstream no longer ships any 1.x: an abandoned series

let work: string;
let server: RepoServer;
let key: GpgKey;
let config: Config;
let store: Store;

async function rpmRepo(name: string, rpms: RpmSpec[], week: number): Promise<void> {
  await buildRpmRepo({ dir: path.join(work, 'www', name), rpms, revision: String(1000 + week) });
}

async function debRepos(bitcoinArchive: string, bitcoinVendor: string): Promise<void> {
  const debian: DebSpec[] = [
    { name: 'bitcoind', version: bitcoinArchive, arch: 'amd64', homepage: 'https://bitcoincore.org/', source: 'bitcoin' },
    { name: 'hello', version: '2.10-3', arch: 'amd64', homepage: 'https://www.gnu.org/software/hello/' },
  ];
  const vendor: DebSpec[] = [{ name: 'bitcoind', version: bitcoinVendor, arch: 'amd64', homepage: 'https://bitcoincore.org', source: 'bitcoin' }];
  await buildDebRepo({ dir: path.join(work, 'www/debian'), suites: [{ suite: 'bookworm', components: ['main'], architectures: ['amd64'], origin: 'Debian', packages: { main: debian } }], sign: key });
  await buildDebRepo({ dir: path.join(work, 'www/bitcoin'), suites: [{ suite: 'stable', components: ['main'], architectures: ['amd64'], origin: 'Bitcoin Core', packages: { main: vendor } }], sign: key });
}

async function crawlWeek(week: number): Promise<void> {
  const now = T0 + week * WEEK;
  const outcomes = await crawlRepos([...config.repos.values()], testCrawlContext(store, path.join(work, 'cache'), { now: () => now }));
  for (const o of outcomes) expect(o.error?.describe(), o.repoId).toBeUndefined();
  recordWinners(store, config, now);
}

function configText(): string {
  const rpm = (id: string, vendor: string, role: string) => `  ${id}:\n    vendor: ${vendor}\n    role: ${role}\n    format: rpm\n    baseurl: ${server.url}/${id}/\n`;
  const deb = (id: string, vendor: string, role: string, suite: string) =>
    `  ${id}:\n    vendor: ${vendor}\n    role: ${role}\n    format: deb\n    uri: ${server.url}/${id}/\n    suite: ${suite}\n    components: [main]\n    architectures: [amd64]\n    signing-key: { file: ${key.publicKeyringPath} }\n`;
  return `repos:
${rpm('fedora-29', 'Fedora Project', 'distro')}${rpm('fedora-29-updates', 'Fedora Project', 'distro')}${rpm('fedora-30', 'Fedora Project', 'distro')}${rpm('grafana-rpm', 'Grafana Labs', 'upstream')}${rpm('prometheus-rpm', 'Prometheus', 'upstream')}${deb('debian', 'Debian', 'distro', 'bookworm')}${deb('bitcoin', 'Bitcoin Core', 'upstream', 'stable')}
profiles:
  f29:
    repos: [fedora-29, fedora-29-updates, grafana-rpm]
    arch: x86_64
  f30:
    repos: [fedora-30, grafana-rpm]
    arch: x86_64
  bookworm-bitcoin:
    repos: [debian, bitcoin]
    arch: amd64
upgrade-paths:
  fedora: [f29, f30]
`;
}

function audit(now: number): AuditResult {
  const profiles = [...config.profiles.values()];
  const everything = runAudit(loadAnalysisData(store, config, profiles, now).input);
  // The audit command reads only the names each kind can be about (loadAuditData): it must find
  // exactly what reading every version finds.
  expect(runAudit(loadAuditData(store, config, profiles, now).input)).toEqual(everything);
  return everything;
}

const find = <T>(result: AuditResult, kind: string, name: string, scope: string): T => {
  const f = result.findings.find((x) => x.kind === kind && x.name === name && x.scope === scope);
  expect(f, `${kind} ${name} ${scope} in ${result.findings.map((x) => x.key).join(', ')}`).toBeDefined();
  return f as T;
};

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-seed-'));
  key = await makeThrowawayKey(path.join(work, 'key'));
  // Week 0: only grafana.com ships grafana; Fedora 29 has its base and Prometheus 1.8.0.
  await rpmRepo('grafana-rpm', [grafanaCom('6.1.4', '2019-04-17'), grafanaCom('6.1.5', '2019-04-29')], 0);
  await rpmRepo('fedora-29', fedoraBase, 0);
  await rpmRepo('fedora-29-updates', [], 0);
  await rpmRepo('fedora-30', [{ ...fedoraBase[0]!, release: '6.fc30' }, fedoraGrafana('6.1.4', 'fc30', '2019-04-20')], 0);
  await rpmRepo('prometheus-rpm', prometheusUpstream, 0);
  await debRepos('0.21.0-1', '22.0-1');
  server = await startRepoServer({ root: path.join(work, 'www') });
  config = parseConfig(configText(), path.join(work, 'repos.yaml'));
  await writeFile(path.join(work, 'repos.yaml'), configText());
  store = Store.open({ path: testStoreLocation(path.join(work, 'store.db')) });

  await crawlWeek(0);
  // Week 1: Fedora packages grafana under grafana.com's name: 6.1.6-1.fc29 in updates.
  await rpmRepo('fedora-29-updates', [fedoraGrafana('6.1.6', 'fc29', '2019-05-10')], 1);
  await crawlWeek(1);
}, 180_000);

afterAll(async () => {
  store?.close();
  await server?.close();
  await key?.dispose();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the seed scenarios', () => {
  it('(a) Fedora grafana 6.1.6 vs grafana.com 6.1.5: a clash, grafana.com came first, Fedora wins', () => {
    const result = audit(T0 + WEEK);
    const clash = find<ClashFinding>(result, 'clash', 'grafana', 'f29');
    expect(clash.vendors.map((v) => [v.vendor, v.newest.evr])).toEqual([
      ['Grafana Labs', '6.1.5-1'],
      ['Fedora Project', '6.1.6-1.fc29'],
    ]);
    expect(clash.firstComer).toBe('Grafana Labs');
    expect(clash.firstComerEvidence).toBe('buildTime');
    expect(clash.winner).toMatchObject({ vendor: 'Fedora Project', evr: '6.1.6-1.fc29', repoId: 'fedora-29-updates' });
    expect(clash.winnerIsFirstComer).toBe(false);
    expect(clash.software.verdict).toBe('same');
    expect(['warning', 'error']).toContain(clash.severity);
  });

  it('(b) grafana.com 6.2.1, then a Fedora update: observed ping-pong', async () => {
    await rpmRepo('grafana-rpm', [grafanaCom('6.1.4', '2019-04-17'), grafanaCom('6.1.5', '2019-04-29'), grafanaCom('6.2.1', '2019-05-22')], 3);
    await crawlWeek(3);
    await rpmRepo('fedora-29-updates', [fedoraGrafana('6.1.6', 'fc29', '2019-05-10'), fedoraGrafana('6.2.2', 'fc29', '2019-06-05')], 5);
    await crawlWeek(5);
    const winners = store.winnerHistory('f29', ['grafana']).map((w) => w.vendor);
    expect(winners).toEqual(['Grafana Labs', 'Fedora Project', 'Grafana Labs', 'Fedora Project']);
    const result = audit(T0 + 5 * WEEK);
    const pingpong = find<PingPongFinding>(result, 'pingpong', 'grafana', 'f29');
    expect(pingpong.observed).not.toBeNull();
    expect(pingpong.observed!.flips).toBeGreaterThanOrEqual(2);
    expect(pingpong.observed!.sequence.map((step) => step.vendor)).toEqual(['Grafana Labs', 'Fedora Project', 'Grafana Labs', 'Fedora Project']);
    // Release histories interleave too: each vendor keeps overtaking the other.
    expect(pingpong.predicted).not.toBeNull();
    expect(pingpong.predicted!.leadChanges).toBeGreaterThanOrEqual(2);
    expect(result.findings.filter((f) => f.kind === 'rollback')).toEqual([]);
  });

  it('(c) Fedora 30 ships a lower grafana than Fedora 29 updates: an upgrade-path regression', () => {
    const result = audit(T0 + 5 * WEEK);
    const regression = find<RegressionFinding>(result, 'regression', 'grafana', 'fedora');
    expect(regression.change).toBe('lower');
    // f29's best is Fedora's 6.2.2 update; f30's best (with grafana.com enabled there too) is 6.2.1.
    expect(regression.from).toMatchObject({ profile: 'f29', evr: '6.2.2-1.fc29', repoId: 'fedora-29-updates' });
    expect(regression.to).toMatchObject({ profile: 'f30', evr: '6.2.1-1', repoId: 'grafana-rpm' });
  });

  it('(d) Prometheus 1.8.0 in the distro vs 2.x upstream: major lag on an abandoned series', () => {
    const now = T0 + 5 * WEEK;
    const result = audit(now);
    const lag = find<LagFinding>(result, 'lag', 'prometheus', 'f29');
    expect(lag.distro.evr).toBe('1.8.0-3.fc29');
    expect(lag.upstream.evr).toBe('2.9.2-1');
    expect(lag.gap).toBe('major');
    expect(lag.newerReleases).toBe(2);
    expect(lag.abandonedSeries).toBe(true);
    expect(lag.behindSinceEvidence).toBe('buildTime');
    expect(lag.behindSince).toBe(s('2017-11-08') * 1000);
    expect(lag.daysBehind).toBe(Math.floor((now - s('2017-11-08') * 1000) / DAY));
    expect(lag.severity).toBe('error');
  });

  it('(e) deb: the archive and a vendor apt repo both ship bitcoind: a clash and lag', () => {
    const result = audit(T0 + 5 * WEEK);
    const clash = find<ClashFinding>(result, 'clash', 'bitcoind', 'bookworm-bitcoin');
    expect(clash.vendors.map((v) => v.vendor).sort()).toEqual(['Bitcoin Core', 'Debian']);
    // apt: both at priority 500, the higher version wins.
    expect(clash.winner).toMatchObject({ vendor: 'Bitcoin Core', evr: '22.0-1' });
    expect(clash.software.verdict).toBe('same');
    // No build times in Packages files: first seen together, so no first-comer can be named.
    expect(clash.firstComerEvidence).toBe('firstSeen');
    const lag = find<LagFinding>(result, 'lag', 'bitcoind', 'bookworm-bitcoin');
    expect(lag.distro.evr).toBe('0.21.0-1');
    expect(lag.upstream.evr).toBe('22.0-1');
    expect(lag.gap).toBe('major');
    expect(lag.behindSinceEvidence).toBe('firstSeen');
  });

  it('the real CLI audits the same store: exit 1 at --fail-on warning, JSON valid against the schema', async () => {
    const run = await repoclash(work, ['audit', '--config', path.join(work, 'repos.yaml'), '--db', path.join(work, 'store.db'), '--format', 'json'], { home: 'inherited' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout) as AuditResult & { partialData: unknown[] };
    expect(json.partialData).toEqual([]);
    const kinds = new Set(json.findings.map((f) => `${f.kind} ${f.name}`));
    for (const expected of ['clash grafana', 'pingpong grafana', 'regression grafana', 'lag prometheus', 'clash bitcoind', 'lag bitcoind']) expect(kinds).toContain(expected);
    const Ajv2020 = (await import('ajv/dist/2020.js')).default.default;
    const addFormats = (await import('ajv-formats')).default.default;
    const ajv = new Ajv2020({ allErrors: true });
    addFormats(ajv);
    const schema = JSON.parse(await readFile(path.join(repoRoot, 'schema/audit.schema.json'), 'utf8')) as object;
    const validate = ajv.compile(schema);
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
  });
});
