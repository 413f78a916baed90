/**
 * `repoclash check` with no data to check against: a check that could not run is "not checked (no
 * data for …)", never "passed", and the exit code is 3. The partial-data lines say whether a repo was
 * never tried or failed (and how), and only repos of the submission's format are named.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoclash as runCli } from '../support/cli.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { tearDown } from '../support/teardown.js';

let work: string;
let server: RepoServer;
let common: string[];

const repoclash = (args: string[]) => runCli(work, args);

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-check-nodata-'));
  server = await startRepoServer({ root: work });
  const config = path.join(work, 'repos.yaml');
  await writeFile(
    config,
    `repos:
  fedora:
    vendor: Fedora Project
    role: distro
    format: rpm
    baseurl: ${server.url}/fedora/
  grafana-rpm:
    vendor: Grafana Labs
    role: upstream
    format: rpm
    baseurl: ${server.url}/grafana-rpm/
  bookworm:
    vendor: Debian
    role: distro
    format: deb
    uri: ${server.url}/debian
    suite: bookworm
    components: [main]
    architectures: [amd64]
profiles:
  f: { repos: [fedora, grafana-rpm], arch: x86_64 }
  d: { repos: [bookworm], arch: amd64 }
`,
  );
  common = ['--config', config, '--db', path.join(work, 'store.db')];
  // grafana-rpm is tried and fails (nothing is served there); the other repos are never tried.
  expect((await repoclash(['crawl', ...common, '--repo', 'grafana-rpm', '--retries', '0'])).code).toBe(3);
}, 60_000);

afterAll(() => tearDown(work, server));

describe('check with no data', () => {
  it('an rpm name: every check "not checked", nothing "passed", exit 3, only rpm repos named', async () => {
    const run = await repoclash(['check', 'grafana', '--version', '10.0.0', '--target', 'f', ...common]);
    expect(run.code).toBe(3);
    expect(run.stdout).not.toContain('passed');
    expect(run.stdout).toContain('0 checks run, 4 not checked');
    expect(run.stdout).toContain('not checked (no data for fedora, grafana-rpm): name-taken grafana');
    expect(run.stdout).toContain('not checked (no data for fedora): plain-collision grafana');
    expect(run.stdout).toContain('not checked (no data for grafana-rpm): lag grafana');
    expect(run.stdout).toContain('partial data: repo fedora: no data (never crawled)');
    expect(run.stdout).toMatch(/partial data: repo grafana-rpm: no data \(never fetched; the last try, [-\d:TZ]+, failed: repodata\/repomd\.xml: /);
    expect(run.stdout).not.toContain('bookworm');
    const stderr = run.stderr.trimEnd().split('\n');
    expect(stderr).toEqual([
      'repoclash: repo fedora: no data (never crawled)',
      expect.stringMatching(/^repoclash: repo grafana-rpm: no data \(never fetched; /),
    ]);
  });

  it('a deb name names only the deb repos', async () => {
    const run = await repoclash(['check', 'grafana', '--version', '10.0.0', '--target', 'd', ...common]);
    expect(run.code).toBe(3);
    expect(run.stdout).not.toContain('passed');
    expect(run.stdout).toContain('not checked (no data for bookworm): name-taken grafana');
    expect(run.stdout).not.toMatch(/fedora|grafana-rpm/);
    expect(run.stderr).toBe('repoclash: repo bookworm: no data (never crawled)\n');
  });
});
