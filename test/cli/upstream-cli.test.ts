/**
 * Upstream release feeds through the real CLI: the Prometheus story end to end (a createrepo_c repo
 * with Fedora's prometheus 1.8.0, its URL on GitHub, releases served in GitHub's shape on loopback),
 * and failing sources — exit codes, one line per failure, nothing stored from a failed fetch.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LagFinding } from '../../src/analysis/findings.js';
import { Store } from '../../src/store/index.js';
import { startApiServer, type ApiServer } from '../support/api-server.js';
import { repoclash as runCli } from '../support/cli.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { buildRpmRepo } from '../support/rpm-repo.js';
import { tearDown } from '../support/teardown.js';
import { testStoreLocation } from '../support/test-store.js';

const DAY = 86_400_000;
let work: string;
let repos: RepoServer;
let api: ApiServer;

const repoclash = (args: string[]) => runCli(work, args);

const release = (tag: string, published: string, prerelease = false) => ({
  tag_name: tag,
  name: tag,
  draft: false,
  prerelease,
  published_at: published,
  html_url: `https://github.com/prometheus/prometheus/releases/tag/${tag}`,
});

/** Prometheus's GitHub releases (newest first, as the API lists them), two pages. */
/** A release two days ago: the weekly report lists it as new and not picked up. */
const RECENT = new Date(Date.now() - 2 * DAY).toISOString().replace(/\.\d+Z$/, 'Z');
const PAGE_1 = [release('v3.1.0', RECENT), release('v3.0.0', '2024-11-14T14:00:00Z'), release('v2.53.0', '2024-06-16T13:00:00Z'), release('v2.9.2', '2019-04-25T12:00:00Z')];
const PAGE_2 = [release('v2.0.0', '2017-11-08T14:00:00Z'), release('v2.0.0-rc.3', '2017-11-03T10:00:00Z', true), release('v1.8.2', '2017-11-04T12:00:00Z'), release('v1.8.1', '2017-10-19T12:00:00Z'), release('v1.8.0', '2017-10-06T12:00:00Z')];

function sourcesYaml(): string {
  return `upstream-sources:\n${['npm', 'github', 'gitlab', 'pypi', 'crates', 'cpan', 'anitya'].map((k) => `  ${k}: ${api.url}`).join('\n')}\n`;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-upstream-cli-'));
  await buildRpmRepo({
    dir: path.join(work, 'www/fedora'),
    rpms: [
      { name: 'prometheus', version: '1.8.0', release: '3.fc29', arch: 'x86_64', vendor: 'Fedora Project', url: 'https://github.com/prometheus/prometheus', summary: 'Prometheus monitoring system' },
      { name: 'bash', version: '4.4.23', release: '5.fc29', arch: 'x86_64', vendor: 'Fedora Project', url: 'https://www.gnu.org/software/bash' },
    ],
  });
  await buildRpmRepo({
    dir: path.join(work, 'www/langs'),
    rpms: [
      { name: 'python3-good', version: '1.0', release: '1.fc29', vendor: 'Fedora Project' },
      { name: 'nodejs-broken', version: '1.0', release: '1.fc29', vendor: 'Fedora Project' },
      { name: 'perl-Gone', version: '1.0', release: '1.fc29', vendor: 'Fedora Project' },
      { name: 'rust-down', version: '1.0', release: '1.fc29', vendor: 'Fedora Project' },
    ],
  });
  repos = await startRepoServer({ root: path.join(work, 'www') });
  api = await startApiServer();
  const page2 = `${api.url}/repos/prometheus/prometheus/releases?per_page=100&page=2`;
  api.route('/repos/prometheus/prometheus/releases', (req) =>
    req.query.get('page') === '2' ? { body: PAGE_2 } : { body: PAGE_1, headers: { link: `<${page2}>; rel="next"`, 'x-ratelimit-remaining': '59', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) } },
  );
  api.route('/pypi/good/json', { body: { info: {}, releases: { '1.0': [{ upload_time_iso_8601: '2020-01-01T00:00:00Z' }], '1.1': [{ upload_time_iso_8601: '2021-03-01T00:00:00Z' }] } } });
  api.route('/broken', { body: '{"versions": {' });
  api.route('/api/v1/crates/down/versions', { status: 503, body: { errors: [] } });
  const fedora = `  fedora-29:\n    vendor: Fedora Project\n    role: distro\n    format: rpm\n    baseurl: ${repos.url}/fedora/\n`;
  const langs = `  langs:\n    vendor: Fedora Project\n    role: distro\n    format: rpm\n    baseurl: ${repos.url}/langs/\n`;
  await writeFile(path.join(work, 'prometheus.yaml'), `repos:\n${fedora}profiles:\n  f29: { repos: [fedora-29] }\n${sourcesYaml()}`);
  await writeFile(path.join(work, 'langs.yaml'), `repos:\n${langs}profiles:\n  langs: { repos: [langs] }\n${sourcesYaml()}`);
}, 120_000);

afterAll(() => tearDown(work, repos, api));

describe('the Prometheus story against GitHub releases', () => {
  const db = () => path.join(work, 'prometheus.db');
  const args = (...rest: string[]) => [...rest, '--config', path.join(work, 'prometheus.yaml'), '--db', db()];

  it('maps prometheus by its URL, fetches both pages of releases and finds a major lag on an abandoned series', async () => {
    expect((await repoclash(args('crawl'))).code).toBe(0);
    const refresh = await repoclash(args('upstream', '--refresh', '--retries', '0'));
    expect(refresh.stderr).toBe('');
    expect(refresh.code).toBe(0);
    expect(refresh.stdout).toContain('1 mapped to a release feed (github 1; by forge 1)');
    expect(refresh.stdout).toMatch(/ERROR\s+prometheus 1\.8\.0 → 3\.1\.0 {2}github:prometheus\/prometheus {2}major, \d+ days, abandoned series/);
    expect(api.count('/repos/prometheus/prometheus/releases')).toBe(2);

    const audit = await repoclash(args('audit', '--kind', 'lag', '--format', 'json'));
    expect(audit.code).toBe(1); // an error finding, at or above --fail-on warning
    const findings = (JSON.parse(audit.stdout) as { findings: LagFinding[] }).findings;
    expect(findings).toHaveLength(1);
    const lag = findings[0]!;
    const since = Date.parse('2017-11-08T14:00:00Z');
    expect(lag).toMatchObject({
      name: 'prometheus',
      severity: 'error',
      gap: 'major',
      abandonedSeries: true,
      distroMajor: 1,
      distro: { repoId: 'fedora-29', evr: '1.8.0-3.fc29', upstreamVersion: '1.8.0' },
      upstream: { repoId: 'github:prometheus/prometheus', source: 'github', evr: '3.1.0', url: 'https://github.com/prometheus/prometheus/releases/tag/v3.1.0', publishedAt: Date.parse(RECENT) },
      // Behind since 2.0.0 came out (the rc before it and the 1.8.x patches do not count).
      behindSince: since,
      behindSinceEvidence: 'published',
      newerReleases: 7,
    });
    expect(Math.abs(lag.daysBehind - Math.floor((Date.now() - since) / DAY))).toBeLessThanOrEqual(1);
    expect(lag.title).toContain('upstream no longer ships 1.x');
    expect(lag.title).toContain('https://github.com/prometheus/prometheus/releases/tag/v3.1.0');

    const text = await repoclash(args('audit', '--kind', 'lag'));
    expect(text.stdout).toContain('github:prometheus/prometheus');
  });

  it('--explain shows the chain: how the feed was found and what it holds', async () => {
    const explain = await repoclash(args('upstream', '--explain', 'prometheus'));
    expect(explain.code).toBe(0);
    const lines = explain.stdout.split('\n');
    expect(lines[0]).toBe('prometheus 1.8.0-3.fc29 (fedora-29, profile f29)');
    expect(lines[1]).toBe('  URL: https://github.com/prometheus/prometheus');
    expect(lines[2]).toBe('  → forge    github:prometheus/prometheus  — URL https://github.com/prometheus/prometheus is a github project');
    expect(lines[3]).toMatch(/^ {13}ok at .* UTC, 9 releases stored; the source names https:\/\/github\.com\/prometheus\/prometheus$/);
    expect(explain.stdout).toMatch(/lag: prometheus 1\.8\.0 \(fedora-29\) is 7 releases behind upstream 3\.1\.0/);
    expect((await repoclash(args('upstream', '--explain', 'nosuchpackage'))).code).toBe(2);
  });

  it('a packager submitting 1.8.0 hears about the newer upstream release', async () => {
    const check = await repoclash(args('check', 'prometheus', '--version', '1.8.0-4.fc30', '--target', 'f29', '--format', 'json'));
    const parsed = JSON.parse(check.stdout) as { findings: Array<{ kind: string; severity: string; upstream: { repoId: string; url?: string }; gap: string }> };
    const lag = parsed.findings.find((f) => f.kind === 'lag');
    expect(lag).toMatchObject({ severity: 'error', gap: 'major', upstream: { repoId: 'github:prometheus/prometheus', url: 'https://github.com/prometheus/prometheus/releases/tag/v3.1.0' } });
    expect(check.code).toBe(1);
  });

  it('pre-releases are kept apart unless asked for', async () => {
    const withPre = await repoclash(args('audit', '--kind', 'lag', '--format', 'json', '--prereleases'));
    const lag = (JSON.parse(withPre.stdout) as { findings: LagFinding[] }).findings[0]!;
    // Asked for: the 2.0.0 release candidate counts, so the major gap opened on 2017-11-03.
    expect(lag.behindSince).toBe(Date.parse('2017-11-03T10:00:00Z'));
    expect(lag.newerReleases).toBe(8);
  });

  it('the weekly report lists the upstream release of this week that the distribution has not picked up', async () => {
    const out = path.join(work, 'reports');
    const report = await repoclash(args('report', '--out', out));
    expect(report.code).toBe(0);
    const files = await readdir(out);
    const text = await readFile(path.join(out, files.find((f) => f.endsWith('.txt'))!), 'utf8');
    const section = text.slice(text.indexOf('NEW UPSTREAM RELEASES NOT PICKED UP (1)'));
    expect(section.split('\n')[1]).toBe(`  prometheus  [f29]  1.8.0-3.fc29 → 3.1.0 (github:prometheus/prometheus, released ${RECENT.slice(0, 10)})  https://github.com/prometheus/prometheus/releases/tag/v3.1.0`);
    const markdown = await readFile(path.join(out, files.find((f) => f.endsWith('.md'))!), 'utf8');
    expect(markdown).toContain('[3.1.0](https://github.com/prometheus/prometheus/releases/tag/v3.1.0)');
  });
});

describe('failing sources', () => {
  it('exit 3, one line per failing feed naming source and project, the rest stored, nothing from the failures', async () => {
    const db = path.join(work, 'langs.db');
    const args = (...rest: string[]) => [...rest, '--config', path.join(work, 'langs.yaml'), '--db', db];
    expect((await repoclash(args('crawl'))).code).toBe(0);
    const run = await repoclash(args('upstream', '--refresh', '--retries', '0'));
    expect(run.code).toBe(3);
    const lines = run.stderr.trim().split('\n').sort();
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^repoclash: upstream crates:down \(rust-down\): HTTP 503 Service Unavailable: http:\/\/127\.0\.0\.1:\d+\/api\/v1\/crates\/down\/versions\?per_page=100$/);
    expect(lines[1]).toMatch(/^repoclash: upstream npm:broken \(nodejs-broken\): http:\/\/127\.0\.0\.1:\d+\/broken: malformed JSON/);
    expect(lines[2]).toBe('repoclash: upstream of perl-Gone: no such project (tried cpan:Gone)');
    expect(run.stdout).toContain('3 feeds in use: 1 ok, 2 failed, 0 not fetched yet (--refresh); 1 candidate projects do not exist (1 names with none that does)');
    expect(run.stdout).toMatch(/python3-good 1\.0 → 1\.1 {2}pypi:good {2}minor/);

    const store = Store.open({ path: testStoreLocation(db), readonly: true });
    try {
      expect([...store.feedReleases().keys()]).toEqual(['pypi:good']);
      expect(store.feedChecks().get('npm:broken')).toMatchObject({ status: 'failed' });
    } finally {
      store.close();
    }
    // Without --refresh it reports what is stored, still partial while feeds are failing.
    const stored = await repoclash(args('upstream', '--format', 'json'));
    expect(stored.code).toBe(3);
    expect(JSON.parse(stored.stdout)).toMatchObject({ unresolved: ['perl-Gone'], feeds: { total: 3, ok: 1, notFound: 1, failed: 2 }, behind: { total: 1, minor: 1 } });
  });

  it('rejects a bad option value with exit 2', async () => {
    const run = await repoclash(['upstream', '--concurrency', '20', '--config', path.join(work, 'langs.yaml'), '--db', path.join(work, 'langs.db')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--concurrency must be a whole number from 1 to 8');
  });
});
