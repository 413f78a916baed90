/**
 * The crawler against real repositories (rpmbuild + createrepo_c, dpkg-deb + apt-ftparchive, a
 * throwaway gpg key) served over HTTP on 127.0.0.1, with the faults a production crawl meets.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlRepos } from '../../src/crawl/crawl.js';
import type { CrawlContext, RepoOutcome } from '../../src/crawl/context.js';
import { parseConfig } from '../../src/config/repos-yaml.js';
import type { RepoConfig } from '../../src/config/types.js';
import { Store } from '../../src/store/index.js';
import { buildDebRepo, type DebSpec } from '../support/deb-repo.js';
import { makeThrowawayKey, type GpgKey } from '../support/gpg.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { buildRpmRepo, type RpmSpec } from '../support/rpm-repo.js';
import { testCrawlContext } from '../support/crawl-context.js';
import { tearDown } from '../support/teardown.js';
import { testStoreLocation } from '../support/test-store.js';

const grafana = (version: string, release: string, buildTime: number): RpmSpec => ({
  name: 'grafana',
  version,
  release,
  vendor: 'Grafana Labs',
  url: 'https://grafana.com',
  buildTime,
});
const v1Rpms: RpmSpec[] = [grafana('6.1.5', '1', 1_556_000_000), { name: 'grafana-agent', version: '0.1', release: '1', vendor: 'Grafana Labs', buildTime: 1_556_000_000 }];
// v2: grafana 6.2.1 appears, grafana-agent goes away.
const v2Rpms: RpmSpec[] = [grafana('6.1.5', '1', 1_556_000_000), grafana('6.2.1', '1', 1_558_500_000)];
const debPackages: DebSpec[] = [
  { name: 'bitcoind', version: '22.0-1', arch: 'amd64', homepage: 'https://bitcoincore.org' },
  { name: 'hello', version: '2.10-3', arch: 'amd64' },
];

let work: string;
let server: RepoServer;
let key: GpgKey;
let otherKey: GpgKey;
let rpmV1Repodata: string;

function config(extra = ''): Map<string, RepoConfig> {
  const text = `repos:
  vendor-rpm:
    vendor: Grafana Labs
    role: upstream
    format: rpm
    baseurl: ${server.url}/rpm/
  debian:
    vendor: Debian
    role: distro
    format: deb
    uri: ${server.url}/deb/
    suite: stable
    components: [main]
    signing-key: { file: ${key.publicKeyringPath} }
${extra}`;
  return parseConfig(text, 'repos.yaml').repos;
}

async function crawl(store: Store, cacheDir: string, repos: Map<string, RepoConfig>, overrides: Partial<CrawlContext> = {}): Promise<Map<string, RepoOutcome>> {
  const outcomes = await crawlRepos([...repos.values()], testCrawlContext(store, cacheDir, { policy: { retries: 1, idleTimeoutMs: 700, responseTimeoutMs: 2000 }, ...overrides }));
  return new Map(outcomes.map((o) => [o.repoId, o]));
}

const names = (store: Store, repo: string) =>
  store
    .currentVersions([repo])
    .map((v) => `${v.name}-${v.evr}`)
    .sort();

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-crawl-'));
  key = await makeThrowawayKey(path.join(work, 'key'));
  otherKey = await makeThrowawayKey(path.join(work, 'other-key'));
  await buildRpmRepo({ dir: path.join(work, 'www/rpm'), rpms: v1Rpms, revision: '100' });
  rpmV1Repodata = path.join(work, 'rpm-v1-repodata');
  await cp(path.join(work, 'www/rpm/repodata'), rpmV1Repodata, { recursive: true });
  await buildDebRepo({
    dir: path.join(work, 'www/deb'),
    suites: [{ suite: 'stable', components: ['main'], architectures: ['amd64'], origin: 'Debian', acquireByHash: true, packages: { main: debPackages } }],
    sign: key,
  });
  server = await startRepoServer({ root: path.join(work, 'www') });
}, 120_000);

afterAll(() => tearDown(work, server, key, otherKey));

describe('crawl', () => {
  it('stores the first crawl, downloads no index when nothing changed, records changes as intervals', async () => {
    const store = Store.open({ path: testStoreLocation(path.join(work, 'first.db')) });
    const cacheDir = path.join(work, 'cache-first');
    const repos = config();

    const first = await crawl(store, cacheDir, repos);
    expect([...first.values()].map((o) => [o.repoId, o.status, o.error?.describe()])).toEqual([
      ['vendor-rpm', 'changed', undefined],
      ['debian', 'changed', undefined],
    ]);
    expect(names(store, 'vendor-rpm')).toEqual(['grafana-0.1-1', 'grafana-6.1.5-1'].map((n) => n.replace('grafana-0.1', 'grafana-agent-0.1')).sort());
    expect(names(store, 'debian')).toEqual(['bitcoind-22.0-1', 'hello-2.10-3']);

    // Nothing changed: only conditional requests for the two index documents, answered 304.
    server.requests.length = 0;
    const second = await crawl(store, cacheDir, repos);
    expect([...second.values()].map((o) => o.status)).toEqual(['unchanged', 'unchanged']);
    expect(server.requests.map((r) => `${r.path} ${r.status}`).sort()).toEqual(['/deb/dists/stable/InRelease 304', '/rpm/repodata/repomd.xml 304']);
    expect(store.snapshots('vendor-rpm')).toHaveLength(1);

    // The vendor repo changes: 6.2.1 appears, grafana-agent vanishes and gets last_seen.
    await buildRpmRepo({ dir: path.join(work, 'www/rpm'), rpms: v2Rpms, revision: '200' });
    const third = await crawl(store, cacheDir, repos);
    expect(third.get('vendor-rpm')).toMatchObject({ status: 'changed', added: 1, removed: 1 });
    expect(names(store, 'vendor-rpm')).toEqual(['grafana-6.1.5-1', 'grafana-6.2.1-1']);
    const agent = store.versionHistory(['vendor-rpm'], ['grafana-agent']);
    expect(agent).toHaveLength(1);
    expect(agent[0]!.lastSeen).not.toBeNull();
    store.close();
  });

  it('catches a stale mirror rolling back, and takes it with accept', async () => {
    const store = Store.open({ path: testStoreLocation(path.join(work, 'rollback.db')) });
    const repos = new Map([...config()].filter(([id]) => id === 'vendor-rpm'));
    await crawl(store, path.join(work, 'cache-rb'), repos); // stores v2 (revision 200)
    const current = path.join(work, 'www/rpm/repodata');
    const v2Copy = path.join(work, 'rpm-v2-repodata');
    await cp(current, v2Copy, { recursive: true });
    await rm(current, { recursive: true });
    await cp(rpmV1Repodata, current, { recursive: true });
    try {
      const stale = await crawl(store, path.join(work, 'cache-rb'), repos);
      expect(stale.get('vendor-rpm')!.status).toBe('failed');
      expect(stale.get('vendor-rpm')!.error!.kind).toBe('rollback');
      // Either guard may fire first (the repomd timestamps may or may not differ by a second).
      expect(stale.get('vendor-rpm')!.error!.describe()).toMatch(/^repo vendor-rpm: repodata\/repomd.xml: (revision went backwards: 100 after 200|metadata went backwards: .* is older than the stored )/);
      expect(names(store, 'vendor-rpm')).toEqual(['grafana-6.1.5-1', 'grafana-6.2.1-1']);
      expect(store.repoEvents({ repoId: 'vendor-rpm', kind: 'rollback' })).toHaveLength(1);
      const accepted = await crawl(store, path.join(work, 'cache-rb'), repos, { accept: true });
      expect(accepted.get('vendor-rpm')!.status).toBe('changed');
    } finally {
      await rm(current, { recursive: true });
      await cp(v2Copy, current, { recursive: true });
    }
    store.close();
  });
});

describe('a failing repo fails alone, with one clear line, and keeps what it had', () => {
  let store: Store;
  let caseNumber = 0;

  beforeAll(async () => {
    store = Store.open({ path: testStoreLocation(path.join(work, 'faults.db')) });
    // Store the current state of both repos, then change both so every case must fetch anew.
    await crawl(store, path.join(work, 'cache-faults-0'), config());
    await buildRpmRepo({ dir: path.join(work, 'www/rpm'), rpms: [...v2Rpms, grafana('6.2.2', '1', 1_559_000_000)], revision: '300' });
    await buildDebRepo({
      dir: path.join(work, 'www/deb'),
      suites: [{ suite: 'stable', components: ['main'], architectures: ['amd64'], origin: 'Debian', acquireByHash: true, packages: { main: [...debPackages, { name: 'hello', version: '2.10-4', arch: 'amd64' }] } }],
      sign: key,
    });
  });
  afterAll(() => store.close());

  /** Crawl both repos with a fault in place; return the outcome of the faulty one. */
  async function crawlWithFault(faulty: 'vendor-rpm' | 'debian', setup: () => void | Promise<void>, repos = config()): Promise<RepoOutcome> {
    const before = { rpm: names(store, 'vendor-rpm'), deb: names(store, 'debian') };
    await setup();
    try {
      const outcomes = await crawl(store, path.join(work, `cache-faults-${++caseNumber}`), repos);
      const other = faulty === 'vendor-rpm' ? 'debian' : 'vendor-rpm';
      expect(outcomes.get(other)!.error?.describe()).toBeUndefined();
      expect(outcomes.get(faulty)!.status).toBe('failed');
      // What the failed repo had stays exactly as it was.
      expect(names(store, faulty)).toEqual(faulty === 'vendor-rpm' ? before.rpm : before.deb);
      const line = outcomes.get(faulty)!.error!.describe();
      expect(line).not.toContain('\n');
      expect(line.startsWith(`repo ${faulty}: `)).toBe(true);
      return outcomes.get(faulty)!;
    } finally {
      server.clearFaults();
    }
  }

  it('HTTP 500 (after the retries)', async () => {
    const o = await crawlWithFault('vendor-rpm', () => server.fail('/rpm/repodata/repomd.xml', { status: 500 }));
    expect(o.error!.describe()).toBe(`repo vendor-rpm: repodata/repomd.xml: HTTP 500 Internal Server Error: ${server.url}/rpm/repodata/repomd.xml`);
    expect(server.requests.filter((r) => r.path === '/rpm/repodata/repomd.xml' && r.status === 500).length).toBeGreaterThanOrEqual(2);
  });

  it('connection reset mid-body', async () => {
    const o = await crawlWithFault('vendor-rpm', () => server.reset(/primary\.xml/));
    expect(o.error!.kind).toBe('fetch');
    expect(o.error!.describe()).toMatch(/primary\.xml\.gz: (connection reset|connection closed after)/);
  });

  it('a stalled body times out', async () => {
    const started = Date.now();
    const o = await crawlWithFault('vendor-rpm', () => server.stall(/primary\.xml/));
    expect(o.error!.describe()).toMatch(/primary\.xml\.gz: timed out/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a redirect loop', async () => {
    const o = await crawlWithFault('vendor-rpm', () => server.redirectLoop('/rpm/repodata/repomd.xml'));
    expect(o.error!.describe()).toMatch(/repodata\/repomd.xml: too many redirects/);
  });

  it('a truncated file', async () => {
    const o = await crawlWithFault('vendor-rpm', () => server.truncate(/primary\.xml/, 100));
    expect(o.error!.kind).toBe('checksum');
    expect(o.error!.describe()).toMatch(/primary\.xml\.gz: size 100 bytes, the index says \d+/);
  });

  it('a wrong checksum', async () => {
    const repomd = path.join(work, 'www/rpm/repodata/repomd.xml');
    const original = await readFile(repomd, 'utf8');
    const primaryHref = /href="(repodata\/[^"]*primary\.xml\.gz)"/.exec(original)![1]!;
    const primaryFile = path.join(work, 'www/rpm', primaryHref);
    const bytes = await readFile(primaryFile);
    try {
      const o = await crawlWithFault('vendor-rpm', async () => {
        const corrupt = Buffer.from(bytes);
        const at = corrupt.length - 20;
        corrupt[at] = corrupt[at]! ^ 0xff;
        await writeFile(primaryFile, corrupt);
      });
      expect(o.error!.kind).toBe('checksum');
      expect(o.error!.describe()).toMatch(/primary\.xml\.gz: sha256 mismatch: got [0-9a-f]{64}, the index says [0-9a-f]{64}$/);
    } finally {
      await writeFile(primaryFile, bytes);
    }
  });

  it('a bad signature', async () => {
    const inRelease = path.join(work, 'www/deb/dists/stable/InRelease');
    const original = await readFile(inRelease);
    const { clearsign } = await import('../support/gpg.js');
    try {
      const o = await crawlWithFault('debian', async () => {
        await clearsign(otherKey, path.join(work, 'www/deb/dists/stable/Release'), inRelease);
      });
      expect(o.error!.kind).toBe('signature');
      expect(o.error!.describe()).toMatch(/^repo debian: InRelease: signature not valid: signed by key [0-9A-F]+, which is not in the configured keyring$/);
    } finally {
      await writeFile(inRelease, original);
    }
  });

  it('an expired Release, unless the repo says check-valid-until: false', async () => {
    await buildDebRepo({
      dir: path.join(work, 'www/expired'),
      suites: [{ suite: 'old', components: ['main'], architectures: ['amd64'], validUntil: new Date('2020-01-01T00:00:00Z'), packages: { main: debPackages } }],
      sign: key,
    });
    const expiredRepo = (check: boolean) => `  expired:
    vendor: Debian
    role: distro
    format: deb
    uri: ${server.url}/expired/
    suite: old
    components: [main]
    check-valid-until: ${check}
    signing-key: { file: ${key.publicKeyringPath} }
`;
    const outcomes = await crawl(store, path.join(work, 'cache-expired'), new Map([...config(expiredRepo(true))].filter(([id]) => id === 'expired')));
    expect(outcomes.get('expired')!.error!.describe()).toBe(
      'repo expired: InRelease: Release file is expired (Valid-Until Wed, 01 Jan 2020 00:00:00 GMT); set check-valid-until: false for this repo to read it anyway',
    );
    const allowed = await crawl(store, path.join(work, 'cache-expired'), new Map([...config(expiredRepo(false))].filter(([id]) => id === 'expired')));
    expect(allowed.get('expired')!.status).toBe('changed');
  });

  it('and once the faults are gone, both repos hold their new state', async () => {
    const outcomes = await crawl(store, path.join(work, 'cache-faults-final'), config());
    expect([...outcomes.values()].map((o) => o.error?.describe())).toEqual([undefined, undefined]);
    expect(names(store, 'vendor-rpm')).toContain('grafana-6.2.2-1');
    expect(names(store, 'debian')).toContain('hello-2.10-4');
  });
});
