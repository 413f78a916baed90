/**
 * `repoclash check` end to end: repositories built by rpmbuild/createrepo_c and dpkg-deb/
 * apt-ftparchive, served on loopback, crawled into a temp store by `repoclash crawl`, then checked
 * as a packager would — a real .spec (through rpmspec), a built .rpm, a debian/ directory, a bare
 * name — in a real process, reading exit codes, JSON and JUnit XML.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, NameTakenFinding } from '../../src/check/types.js';
import { buildDebRepo } from '../support/deb-repo.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { repoclash as runCli, type Run } from '../support/cli.js';
import { buildRpmRepo, buildRpms } from '../support/rpm-repo.js';
import { tearDown } from '../support/teardown.js';

let work: string;
let server: RepoServer;
let config: string;
let db: string;

const repoclash = (args: string[]): Promise<Run> => runCli(work, args);

const check = (...args: string[]): Promise<Run> => repoclash(['check', ...args, '--config', config, '--db', db]);

function spec(name: string, version: string, release: string, url: string, summary: string, extra = ''): string {
  return `Name: ${name}
Version: ${version}
Release: ${release}
Summary: ${summary}
License: MIT
URL: ${url}
${extra}
%description
${summary}.

%files
`;
}

const APRIL_2019 = 1_555_459_200; // 2019-04-17, grafana.com's 6.1.5 build

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-check-cli-'));
  const www = path.join(work, 'www');
  await Promise.all([
    buildRpmRepo({
      dir: path.join(www, 'grafana-com'),
      rpms: [{ name: 'grafana', version: '6.1.5', release: '1', vendor: 'Grafana Labs', url: 'https://grafana.com', summary: 'Grafana', buildTime: APRIL_2019 }],
    }),
    buildRpmRepo({ dir: path.join(www, 'fedora-29'), rpms: [{ name: 'bash', version: '4.4.23', release: '6.fc29', vendor: 'Fedora Project', url: 'https://www.gnu.org/software/bash', buildTime: 1_540_000_000 }] }),
    buildRpmRepo({ dir: path.join(www, 'fedora-30'), rpms: [{ name: 'bash', version: '4.4.23', release: '7.fc30', vendor: 'Fedora Project', url: 'https://www.gnu.org/software/bash', buildTime: 1_550_000_000 }] }),
    buildRpmRepo({
      dir: path.join(www, 'hamradio'),
      rpms: [{ name: 'node', version: '0.3.2', release: '7', vendor: 'Ham Radio Packagers', url: 'http://www.linuxnode.net/?lang=en&page=node', summary: 'Amateur packet radio node front end', buildTime: 1_262_304_000 }],
    }),
    buildDebRepo({ dir: path.join(www, 'debian'), suites: [{ suite: 'bookworm', origin: 'Debian', components: ['main'], architectures: ['amd64'], packages: { main: [{ name: 'bash', version: '5.2.15-2+b2', arch: 'amd64' }] } }] }),
    buildDebRepo({
      dir: path.join(www, 'grafana-apt'),
      suites: [{ suite: 'stable', origin: 'Grafana', components: ['main'], architectures: ['amd64'], packages: { main: [{ name: 'grafana', version: '6.1.5', arch: 'amd64', homepage: 'https://grafana.com', description: 'Grafana' }] } }],
    }),
  ]);
  server = await startRepoServer({ root: www });
  config = path.join(work, 'repos.yaml');
  const rpm = (id: string, vendor: string, role: string) => `  ${id}:\n    vendor: ${vendor}\n    role: ${role}\n    format: rpm\n    baseurl: ${server.url}/${id}/\n`;
  const deb = (id: string, vendor: string, role: string, suite: string) =>
    `  ${id}:\n    vendor: ${vendor}\n    role: ${role}\n    format: deb\n    uri: ${server.url}/${id}/\n    suite: ${suite}\n    components: [main]\n    architectures: [amd64]\n    trusted: true\n`;
  await writeFile(
    config,
    `repos:
${rpm('fedora-29', 'Fedora Project', 'distro')}${rpm('fedora-30', 'Fedora Project', 'distro')}${rpm('grafana-com', 'Grafana Labs', 'upstream')}${rpm('hamradio', 'Ham Radio Packagers', 'third-party')}${deb('debian', 'Debian', 'distro', 'bookworm')}${deb('grafana-apt', 'Grafana Labs', 'upstream', 'stable')}
profiles:
  fedora-29:
    repos: [fedora-29, grafana-com, hamradio]
  fedora-30:
    repos: [fedora-30, grafana-com]
  bookworm-grafana:
    repos: [debian, grafana-apt]
    arch: amd64
upgrade-paths:
  fedora: [fedora-29, fedora-30]
`,
  );
  db = path.join(work, 'store.db');
  const crawl = await repoclash(['crawl', '--config', config, '--db', db]);
  if (crawl.code !== 0) throw new Error(`crawl failed (${crawl.code}): ${crawl.stderr}`);
  await mkdir(path.join(work, 'specs'));
}, 120_000);

afterAll(() => tearDown(work, server));

async function writeSpec(file: string, text: string): Promise<string> {
  const p = path.join(work, 'specs', file);
  await writeFile(p, text);
  return p;
}

describe('repoclash check (process)', () => {
  it('the seed: Fedora grafana 6.1.6 while grafana.com ships grafana → exit 1, the clash explained', async () => {
    const file = await writeSpec('grafana.spec', spec('grafana', '6.1.6', '1%{?dist}', 'https://grafana.org', 'Metrics dashboard and graph editor'));
    const run = await check(file, '--target', 'fedora-29', '--define', 'dist .fc29', '--format', 'json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as CheckResult & { partialData: unknown[] };
    expect(result.schemaVersion).toBe(1);
    expect(result.submission).toMatchObject({ kind: 'spec', sourceName: 'grafana', version: '6.1.6-1.fc29' });
    expect(result.partialData).toEqual([]);
    const taken = result.findings.find((f): f is NameTakenFinding => f.kind === 'name-taken')!;
    expect(taken).toMatchObject({
      severity: 'error',
      name: 'grafana',
      firstComer: 'Grafana Labs',
      firstComerRepos: ['grafana-com'],
      firstComerEvidence: 'buildTime',
      software: 'same',
      submissionWins: true,
      movesUsersOf: ['Grafana Labs'],
      winnerBefore: { repoId: 'grafana-com', vendor: 'Grafana Labs', evr: '6.1.5-1' },
    });
    expect(taken.takenBy).toHaveLength(1);
    expect(taken.takenBy[0]).toMatchObject({ vendor: 'Grafana Labs', repos: ['grafana-com'], earliestBuildTime: APRIL_2019, moved: { onUpgrade: true, onSync: true } });
    // The other checks ran and passed: newer than upstream, no distro collision, fedora-30 has no grafana.
    expect(result.findings.map((f) => f.kind)).toEqual(['name-taken']);
    expect(result.checks.map((c) => [c.kind, c.subject, c.findings.length])).toEqual([
      ['name-taken', 'grafana', 1],
      ['plain-collision', 'grafana', 0],
      ['lag', 'grafana', 0],
      ['upgrade-path', 'fedora: fedora-29 → fedora-30 (grafana)', 0],
    ]);

    const text = await check(file, '--target', 'fedora-29', '--define', 'dist .fc29');
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('ERROR name-taken: grafana is already shipped by Grafana Labs (grafana-com 6.1.5-1, first, same software)');
    expect(text.stdout).toContain('first-comer: Grafana Labs (grafana-com), by build time');
    expect(text.stdout).toContain('would move users of: Grafana Labs to Fedora Project');
  });

  it('a different program under the same name: packet-radio node vs Node.js; JUnit output is well-formed and counts the failure', async () => {
    const file = await writeSpec('node.spec', spec('node', '10.15.3', '1', 'https://nodejs.org', 'JavaScript runtime built on V8'));
    const json = await check(file, '--target', 'fedora-29', '--format', 'json');
    expect(json.code).toBe(1);
    const taken = (JSON.parse(json.stdout) as CheckResult).findings.find((f): f is NameTakenFinding => f.kind === 'name-taken')!;
    expect(taken.software).toBe('different');
    expect(taken.takenBy[0]).toMatchObject({ vendor: 'Ham Radio Packagers', urls: ['http://www.linuxnode.net/?lang=en&page=node'], software: { verdict: 'different' } });

    const junit = await check(file, '--target', 'fedora-29', '--format', 'junit');
    expect(junit.code).toBe(1);
    const parsed = parseJunit(junit.stdout);
    // No upstream repo ships a `node`: the lag check is skipped.
    expect(parsed.suites).toEqual([{ name: 'repoclash check', tests: 4, failures: 1, skipped: 1 }]);
    expect(parsed.testcases).toBe(4);
    expect(parsed.failureElements).toHaveLength(1);
    expect(parsed.failureElements[0]!.type).toBe('name-taken/error');
    // The '&' of the vendor's URL came through escaping intact.
    expect(parsed.failureElements[0]!.body).toContain('http://www.linuxnode.net/?lang=en&page=node');
    expect(parsed.failureElements[0]!.body).toContain('a DIFFERENT program');
  });

  it('a clean submission exits 0; its JUnit has no failures', async () => {
    const file = await writeSpec('newtool.spec', spec('newtool', '1.0', '1', 'https://newtool.example.org', 'A brand new tool'));
    const run = await check(file, '--target', 'fedora-29');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('0 findings');
    const junit = parseJunit((await check(file, '--target', 'fedora-29', '--format', 'junit')).stdout);
    expect(junit.suites[0]).toMatchObject({ tests: 4, failures: 0 });
    // No upstream ships it: the lag check is skipped, not passed.
    expect(junit.suites[0]!.skipped).toBe(1);
  });

  it('a built .rpm is checked like its spec; --fail-on error lets a warning pass', async () => {
    const [rpm] = await buildRpms([{ name: 'grafana', version: '6.1.4', release: '1.fc29', vendor: 'Fedora Project', url: 'https://grafana.org', buildTime: 1_558_000_000 }], path.join(work, 'rpms'));
    const run = await check(rpm!, '--target', 'fedora-29', '--format', 'json');
    expect(run.code).toBe(1);
    const taken = (JSON.parse(run.stdout) as CheckResult).findings.find((f): f is NameTakenFinding => f.kind === 'name-taken')!;
    // 6.1.4 loses to grafana.com's 6.1.5: the name is taken, nobody is moved.
    expect(taken).toMatchObject({ severity: 'warning', submissionWins: false, movesUsersOf: [] });
    expect((await check(rpm!, '--target', 'fedora-29', '--fail-on', 'error')).code).toBe(0);
  });

  it('a bare name with --version: a version above the next release is an upgrade-path warning', async () => {
    const run = await check('bash', '--version', '5.0.0-1.fc29', '--target', 'fedora-29', '--format', 'json');
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as CheckResult;
    expect(result.findings.map((f) => [f.kind, f.severity])).toEqual([['upgrade-path', 'warning']]);
    expect(result.findings[0]).toMatchObject({ problem: 'above-next', other: { profile: 'fedora-30', repoId: 'fedora-30', evr: '4.4.23-7.fc30' } });
  });

  it('a debian/ directory against the only deb profile (chosen without --target)', async () => {
    const dir = path.join(work, 'grafana-deb', 'debian');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'control'), 'Source: grafana\nHomepage: https://grafana.com\n\nPackage: grafana\nArchitecture: any\nDescription: Grafana\n');
    await writeFile(path.join(dir, 'changelog'), 'grafana (6.1.6+dfsg-1) unstable; urgency=medium\n\n  * New.\n\n -- A B <a@b.c>  Mon, 20 May 2019 10:00:00 +0000\n');
    const run = await check(dir, '--format', 'json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as CheckResult;
    expect(result.target).toBe('bookworm-grafana');
    expect(result.distroVendor).toBe('Debian');
    const taken = result.findings.find((f): f is NameTakenFinding => f.kind === 'name-taken')!;
    expect(taken).toMatchObject({ firstComer: 'Grafana Labs', software: 'same', submissionWins: true, movesUsersOf: ['Grafana Labs'], firstComerEvidence: 'firstSeen' });
  });

  it('usage errors exit 2: an ambiguous target, an unknown profile, a spec rpmspec rejects', async () => {
    const ambiguous = await check('grafana');
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/several profiles could be the target \(fedora-29, fedora-30, bookworm-grafana\)/);
    expect((await check('grafana', '--target', 'nope')).code).toBe(2);
    const bad = await writeSpec('bad.spec', 'Name: bad\n');
    const run = await check(bad, '--target', 'fedora-29');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${bad}: rpmspec failed`);
  });

  it('partial data: a repo of the target profile never crawled → exit 3 for an otherwise clean check', async () => {
    const partial = path.join(work, 'partial.yaml');
    const { readFile } = await import('node:fs/promises');
    const text = (await readFile(config, 'utf8'))
      .replace('repos:\n', `repos:\n  fedora-29-updates:\n    vendor: Fedora Project\n    role: distro\n    format: rpm\n    baseurl: ${server.url}/nothing/\n`)
      .replace('repos: [fedora-29, grafana-com, hamradio]', 'repos: [fedora-29, fedora-29-updates, grafana-com, hamradio]');
    await writeFile(partial, text);
    const file = path.join(work, 'specs', 'newtool.spec');
    const run = await repoclash(['check', file, '--target', 'fedora-29', '--config', partial, '--db', db]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('partial data: repo fedora-29-updates: no data (never crawled)');
    expect(run.stderr).toBe('repoclash: repo fedora-29-updates: no data (never crawled)\n');
  });
});

interface JunitSummary {
  suites: Array<{ name: string; tests: number; failures: number; skipped: number }>;
  testcases: number;
  failureElements: Array<{ type: string; body: string }>;
}

/** Parse JUnit XML with a conforming XML parser: any well-formedness error throws. */
function parseJunit(xml: string): JunitSummary {
  const parser = new SaxesParser();
  const out: JunitSummary = { suites: [], testcases: 0, failureElements: [] };
  let failure: { type: string; body: string } | null = null;
  parser.on('error', (e) => {
    throw e;
  });
  parser.on('opentag', (tag) => {
    const attr = (n: string): string => String(tag.attributes[n] ?? '');
    if (tag.name === 'testsuite') out.suites.push({ name: attr('name'), tests: Number(attr('tests')), failures: Number(attr('failures')), skipped: Number(attr('skipped')) });
    if (tag.name === 'testcase') out.testcases++;
    if (tag.name === 'failure') failure = { type: attr('type'), body: '' };
  });
  parser.on('text', (t) => {
    if (failure) failure.body += t;
  });
  parser.on('closetag', (tag) => {
    if (tag.name === 'failure' && failure) {
      out.failureElements.push(failure);
      failure = null;
    }
  });
  parser.write(xml).close();
  return out;
}
