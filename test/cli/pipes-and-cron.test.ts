/**
 * The CLI in pipes and cron: a reader that stops early ends the program quietly with the exit code
 * it would have had, and exit 3 always comes with one stderr line per repo that failed — also with
 * --quiet, which the shipped units use. Real rpm repos on a loopback server; a repo path the server
 * does not have is the failing repo (answered at once and not retried, so the tests stay fast).
 */
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoclash as runCli, type RunOptions } from '../support/cli.js';
import type { RepoServer } from '../support/http-server.js';
import { goodAndGoneConfig } from '../support/repos-yaml.js';
import { serveGoodRepoAndFixtures } from '../support/good-repo-site.js';
import { tearDown } from '../support/teardown.js';

let work: string;
let server: RepoServer;
let fixtureServer: RepoServer;

const repoclash = (args: string[], options: RunOptions = {}) => runCli(work, args, options);

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-pipes-'));
  ({ server, fixtureServer } = await serveGoodRepoAndFixtures(work));
}, 120_000);

afterAll(() => tearDown(work, server, fixtureServer));

describe('a closed stdout (EPIPE)', () => {
  let common: string[];

  beforeAll(async () => {
    // CentOS Stream 9 AppStream (17,649 packages) upgrading to a one-package release: every name
    // it drops is an info finding, so `audit --all` writes most of a megabyte.
    const config = path.join(work, 'big.yaml');
    await writeFile(
      config,
      `repos:
  centos:
    vendor: CentOS
    role: distro
    format: rpm
    baseurl: ${fixtureServer.url}/centos-stream-9-appstream/
  next:
    vendor: CentOS
    role: distro
    format: rpm
    baseurl: ${server.url}/good/
profiles:
  el9: { repos: [centos], arch: x86_64 }
  el10: { repos: [next], arch: x86_64 }
upgrade-paths:
  el: [el9, el10]
`,
    );
    common = ['--config', config, '--db', path.join(work, 'big.db')];
    expect((await repoclash(['crawl', ...common])).code).toBe(0);
  }, 120_000);

  it('audit --all | head -1: the first line, empty stderr, the exit code of the unpiped run', async () => {
    const whole = await repoclash(['audit', ...common, '--all']);
    // Far more than a pipe buffers (64 KiB), so the reader's exit meets a writer still writing.
    expect(whole.stdout.length).toBeGreaterThan(500_000);
    expect([0, 1]).toContain(whole.code);
    const piped = await repoclash(['audit', ...common, '--all'], { pipeTo: 'head -1' });
    expect(piped.stderr).toBe('');
    expect(piped.code).toBe(whole.code);
    // The first line names the minute it ran: the two runs may straddle one.
    expect(whole.stdout).toMatch(/^repoclash audit — [-\d: ]+ UTC — profiles: el9, el10\n/);
    expect(piped.stdout).toMatch(/^repoclash audit — [-\d: ]+ UTC — profiles: el9, el10\n$/);
  }, 120_000);

  it('the audit headline counts findings at or above --fail-on; the info tail is a count with a pointer', async () => {
    const run = await repoclash(['audit', ...common]);
    const headline = /^(\d+) findings? at or above warning \((\d+) error, (\d+) warning\), and \d{1,3}(,\d{3})+ info findings: --all lists them$/.exec(run.stdout.split('\n')[1]!);
    expect(headline).not.toBeNull();
    const [, counted, errors, warnings] = headline!.map(Number);
    expect(counted).toBe(errors! + warnings!);
    expect(run.code).toBe(counted! > 0 ? 1 : 0); // the exit code counts what the headline counts
    const all = await repoclash(['audit', ...common, '--fail-on', 'info']);
    expect(all.code).toBe(1);
    expect(all.stdout.split('\n')[1]).toMatch(/^\d{1,3}(,\d{3})+ findings at or above info \(\d+ error, \d+ warning, \d{1,3}(,\d{3})+ info\)$/);
  }, 120_000);

  it('report | head -1, and into a reader that is gone before the first line: exit 0, empty stderr, files written', async () => {
    const out = path.join(work, 'reports');
    const piped = await repoclash(['report', ...common, '--out', out, '--week', '2026-W10'], { pipeTo: 'head -1' });
    expect(piped.stderr).toBe('');
    expect(piped.code).toBe(0);
    expect(piped.stdout).toMatch(/^2026-W10: /);
    // `head -n 0` exits without reading: the report's very first write meets a closed pipe.
    const gone = await repoclash(['report', ...common, '--out', out, '--week', '2026-W11'], { pipeTo: 'head -n 0' });
    expect(gone.stderr).toBe('');
    expect(gone.code).toBe(0);
    expect(gone.stdout).toBe('');
    expect((await readdir(out)).filter((f) => f.startsWith('2026-W11.')).sort()).toEqual(['2026-W11.html', '2026-W11.json', '2026-W11.md', '2026-W11.txt']);
  }, 120_000);
});

describe('--quiet keeps the exit-3 promise: one stderr line per failed repo', () => {
  const goneLine = 'repoclash: repo gone: repodata/repomd.xml: ';
  let config: string;

  beforeAll(async () => {
    config = path.join(work, 'partial.yaml');
    await writeFile(config, goodAndGoneConfig(`${server.url}/good/`, `${server.url}/nothing/`, 'p'));
  });

  const expectOneLineForGone = (run: { code: number | null; stderr: string }) => {
    expect(run.code).toBe(3);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('repo gone: ');
    return lines[0]!;
  };

  it('crawl --quiet', async () => {
    const run = await repoclash(['crawl', '--quiet', '--config', config, '--db', path.join(work, 'q-crawl.db')]);
    expect(expectOneLineForGone(run)).toContain(goneLine);
    expect(run.stdout).toBe('');
  });

  it('audit --refresh --quiet, and audit --quiet later from the stored failure', async () => {
    const db = path.join(work, 'q-audit.db');
    const refreshed = await repoclash(['audit', '--refresh', '--quiet', '--config', config, '--db', db]);
    expect(expectOneLineForGone(refreshed)).toContain(goneLine);
    const later = await repoclash(['audit', '--quiet', '--config', config, '--db', db]);
    expect(expectOneLineForGone(later)).toMatch(/^repoclash: repo gone: no data \(never fetched; the last try, .*, failed: repodata\/repomd\.xml: /);
  });

  it('report --refresh --quiet', async () => {
    const run = await repoclash(['report', '--refresh', '--quiet', '--config', config, '--db', path.join(work, 'q-report.db'), '--out', path.join(work, 'q-reports')]);
    expect(expectOneLineForGone(run)).toContain(goneLine);
    expect(run.stdout).toBe('');
  });

  it('host --quiet (yum repos under --root, an exported installed list)', async () => {
    const root = path.join(work, 'hostroot');
    await mkdir(path.join(root, 'etc/yum.repos.d'), { recursive: true });
    await writeFile(
      path.join(root, 'etc/yum.repos.d/test.repo'),
      `[good]\nname=good\nbaseurl=${server.url}/good/\ngpgcheck=0\n\n[gone]\nname=gone\nbaseurl=${server.url}/nothing/\ngpgcheck=0\n`,
    );
    const installed = path.join(work, 'installed.txt');
    await writeFile(installed, 'grafana-0:6.1.5-1.noarch\n');
    const run = await repoclash(['host', '--quiet', '--root', root, '--installed', installed, '--config', config, '--db', path.join(work, 'q-host.db')]);
    expect(expectOneLineForGone(run)).toContain(goneLine);
  });
});
