/**
 * Several crawlers (cron on several machines) on one store at once: four `repoclash crawl`
 * processes on the same repos. Each repo's index is fetched and written once per change (the
 * others wait for the repo and then find it unchanged), and the history is the one a single
 * crawler writes. On SQLite the crawl lock file keeps whole crawls apart; on PostgreSQL
 * (REPOCLASH_TEST_STORE) per-repo advisory locks do, with no lock file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoclash } from '../support/cli.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { copyCentosFixtureWithoutModules } from '../support/centos-fixture.js';
import { buildRpmRepo } from '../support/rpm-repo.js';
import { openStoreByLabel, testStoreLocation } from '../support/test-store.js';

let work: string;
let server: RepoServer;
let fixtureServer: RepoServer;
let config: string;

const REPOS = ['centos', 'distro', 'vendor'] as const;

async function buildVendor(version: string): Promise<void> {
  await buildRpmRepo({ dir: path.join(work, 'www/vendor'), rpms: [{ name: 'grafana', version, release: '1', vendor: 'Grafana Labs' }] });
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-crawlers-'));
  await buildRpmRepo({ dir: path.join(work, 'www/distro'), rpms: [{ name: 'grafana', version: '9.0', release: '1', vendor: 'Fedora Project' }, { name: 'zsh', version: '5.9', release: '1', vendor: 'Fedora Project' }] });
  await buildVendor('10.0');
  // The captured CentOS repo (17,649 packages: a merge long enough for the crawlers to overlap).
  await copyCentosFixtureWithoutModules(path.join(work, 'fixture'));
  server = await startRepoServer({ root: path.join(work, 'www') });
  fixtureServer = await startRepoServer({ root: path.join(work, 'fixture') });
  config = path.join(work, 'repos.yaml');
  await writeFile(
    config,
    `repos:
  centos: { vendor: CentOS, role: distro, format: rpm, baseurl: "${fixtureServer.url}/centos-stream-9-appstream/" }
  distro: { vendor: Fedora Project, role: distro, format: rpm, baseurl: "${server.url}/distro/" }
  vendor: { vendor: Grafana Labs, role: upstream, format: rpm, baseurl: "${server.url}/vendor/" }
`,
  );
}, 300_000);

afterAll(async () => {
  await server?.close();
  await fixtureServer?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Index (primary.xml) downloads per repo since `from` requests ago. */
function primaryFetches(from: { main: number; fixture: number }): Record<string, number> {
  const count = (requests: RepoServer['requests'], prefix: string) => requests.filter((r) => r.path.startsWith(prefix) && r.path.includes('primary.xml')).length;
  return {
    centos: count(fixtureServer.requests.slice(from.fixture), '/centos-stream-9-appstream/'),
    distro: count(server.requests.slice(from.main), '/distro/'),
    vendor: count(server.requests.slice(from.main), '/vendor/'),
  };
}

/** What a crawl history is, without what differs between runs (times; the rebuilt repo's index checksums). */
function history(db: string) {
  const store = openStoreByLabel({ path: db, readonly: true });
  try {
    return {
      snapshots: REPOS.map((repo) => store.snapshots(repo).map((s) => ({ repo, packages: s.packageCount, status: s.status }))),
      versions: store.versionHistory([...REPOS]).map((v) => `${v.repoId} ${v.name}.${v.arch} ${v.evr} ${v.lastSeen === null ? 'open' : 'closed'}`),
      winners: store.winnerHistory().map((w) => `${w.profile} ${w.name} ${w.repoId} ${w.evr} ${w.to === null ? 'open' : 'closed'}`),
    };
  } finally {
    store.close();
  }
}

async function crawlers(db: string, n: number): Promise<void> {
  const runs = await Promise.all(Array.from({ length: n }, (_, i) => repoclash(work, ['crawl', '--config', config, '--db', db, '--cache', path.join(work, `cache-${i}`), '--retries', '0'])));
  for (const run of runs) {
    // On SQLite a crawler says it waits for the lock file's holder; nothing else may be said.
    const complaints = run.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('repoclash: waiting for the crawl of pid'));
    expect({ code: run.code, complaints }).toEqual({ code: 0, complaints: [] });
  }
}

describe('four crawlers on one store', () => {
  it('fetch and write each repo once per change, leaving the history a single crawler leaves', async () => {
    const oneStore = testStoreLocation(path.join(work, 'one-store.db'));
    const single = testStoreLocation(path.join(work, 'single.db'));

    let from = { main: server.requests.length, fixture: fixtureServer.requests.length };
    await crawlers(oneStore, 4);
    expect(primaryFetches(from)).toEqual({ centos: 1, distro: 1, vendor: 1 });
    const store = openStoreByLabel({ path: oneStore, readonly: true });
    // One snapshot per repo, found by one crawler and checked unchanged by the three others.
    for (const repo of REPOS) expect(store.snapshots(repo).map((s) => s.checkCount)).toEqual([4]);
    expect(store.currentVersions(['centos'])).toHaveLength(17_649);
    store.close();

    // A new vendor version: one more snapshot of that repo only, fetched once.
    await buildVendor('11.0');
    from = { main: server.requests.length, fixture: fixtureServer.requests.length };
    await crawlers(oneStore, 4);
    expect(primaryFetches(from)).toEqual({ centos: 0, distro: 0, vendor: 1 });

    // The same two crawls by one crawler at a time give the same history.
    await buildVendor('10.0');
    await crawlers(single, 1);
    await buildVendor('11.0');
    await crawlers(single, 1);
    const got = history(oneStore);
    expect(got.snapshots.map((s) => s.length)).toEqual([1, 1, 2]);
    expect(got.versions).toContain('vendor grafana.noarch 10.0-1 closed');
    expect(got).toEqual(history(single));
  });
});
