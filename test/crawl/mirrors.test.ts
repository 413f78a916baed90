/**
 * Where a crawl finds an rpm repo and how it knows the copy is genuine and current: metalink
 * mirrors (a stale one skipped), mirrorlists, repomd.xml.asc signatures, by-hash Debian indexes,
 * and the shrink guard. Real repos (rpmbuild + createrepo_c, apt-ftparchive) on 127.0.0.1.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/repos-yaml.js';
import { crawlRepos } from '../../src/crawl/crawl.js';
import type { RepoOutcome } from '../../src/crawl/context.js';
import { Store } from '../../src/store/index.js';
import { buildDebRepo, buildFlatDebRepo } from '../support/deb-repo.js';
import { makeThrowawayKey, type GpgKey } from '../support/gpg.js';
import { testCrawlContext } from '../support/crawl-context.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { buildRpmRepo, type RpmSpec } from '../support/rpm-repo.js';
import { tearDown } from '../support/teardown.js';
import { testStoreLocation } from '../support/test-store.js';

let work: string;
let server: RepoServer;
let key: GpgKey;
let otherKey: GpgKey;
let n = 0;

const pkg = (name: string, version = '1.0'): RpmSpec => ({ name, version, release: '1', vendor: 'V' });

async function crawl(yaml: string, options: { accept?: boolean; db?: string } = {}): Promise<{ outcome: RepoOutcome; store: Store }> {
  const config = parseConfig(`repos:\n${yaml}`, 'repos.yaml');
  const store = Store.open({ path: testStoreLocation(options.db ?? path.join(work, `db-${++n}.sqlite`)) });
  const [outcome] = await crawlRepos([...config.repos.values()], testCrawlContext(store, path.join(work, `cache-${n}`), { accept: options.accept ?? false }));
  return { outcome: outcome!, store };
}

const rpmRepo = (id: string, location: string, extra = '') => `  ${id}:\n    vendor: V\n    role: upstream\n    format: rpm\n    ${location}\n${extra}`;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-mirrors-'));
  key = await makeThrowawayKey(path.join(work, 'key'));
  otherKey = await makeThrowawayKey(path.join(work, 'other'));
  // The current repo on mirror b; mirror a still serves last week's metadata.
  await buildRpmRepo({ dir: path.join(work, 'www/a'), rpms: [pkg('tool', '1.0')], revision: '1' });
  await buildRpmRepo({ dir: path.join(work, 'www/b'), rpms: [pkg('tool', '1.0'), pkg('tool', '2.0')], revision: '2', signWith: key });
  server = await startRepoServer({ root: path.join(work, 'www') });
  const current = await readFile(path.join(work, 'www/b/repodata/repomd.xml'));
  const sha256 = createHash('sha256').update(current).digest('hex');
  await writeFile(
    path.join(work, 'www/metalink.xml'),
    `<?xml version="1.0" encoding="utf-8"?>
<metalink version="3.0" xmlns="http://www.metalinker.org/" xmlns:mm0="http://fedorahosted.org/mirrormanager">
 <files><file name="repomd.xml">
  <mm0:timestamp>1700000000</mm0:timestamp><size>${current.length}</size>
  <verification><hash type="sha256">${sha256}</hash></verification>
  <resources>
   <url protocol="http" type="http" preference="100">${server.url}/a/repodata/repomd.xml</url>
   <url protocol="http" type="http" preference="90">${server.url}/b/repodata/repomd.xml</url>
  </resources>
 </file></files>
</metalink>`,
  );
  await writeFile(path.join(work, 'www/mirrorlist.txt'), `# mirrors\nhttp://127.0.0.1:1/nothing/\n${server.url}/b/\n`);
}, 120_000);

afterAll(() => tearDown(work, server, key, otherKey));

describe('mirrors', () => {
  it('metalink: skips the preferred mirror whose repomd.xml is stale and uses the current one', async () => {
    const { outcome, store } = await crawl(rpmRepo('m', `metalink: ${server.url}/metalink.xml`));
    expect(outcome.error?.describe()).toBeUndefined();
    expect(outcome.notes).toEqual([`skipped stale mirror ${server.url}/a/ (its repomd.xml does not match the metalink)`]);
    expect(store.currentVersions(['m']).map((v) => v.evr).sort()).toEqual(['1.0-1', '2.0-1']);
    store.close();
  });

  it('mirrorlist: goes past a mirror that refuses connections', async () => {
    const { outcome, store } = await crawl(rpmRepo('l', `mirrorlist: ${server.url}/mirrorlist.txt`));
    expect(outcome.status).toBe('changed');
    expect(store.currentVersions(['l'])).toHaveLength(2);
    store.close();
  });

  it('metalink with no current mirror fails with every mirror named', async () => {
    const metalink = (await readFile(path.join(work, 'www/metalink.xml'), 'utf8')).replace(/<url[^>]*>[^<]*\/b\/[^<]*<\/url>/, '');
    await writeFile(path.join(work, 'www/metalink-stale.xml'), metalink);
    const { outcome, store } = await crawl(rpmRepo('s', `metalink: ${server.url}/metalink-stale.xml`));
    expect(outcome.status).toBe('failed');
    expect(outcome.error!.describe()).toMatch(/^repo s: repodata\/repomd.xml: no mirror served a current repomd.xml \(.*\/a\/: stale\)$/);
    store.close();
  });
});

describe('repomd.xml signatures (repo-gpgcheck)', () => {
  it('accepts a repomd.xml signed by the configured key', async () => {
    const { outcome, store } = await crawl(rpmRepo('g', `baseurl: ${server.url}/b/`, `    repo-gpgcheck: true\n    signing-key: { file: ${key.publicKeyArmoredPath} }\n`));
    expect(outcome.error?.describe()).toBeUndefined();
    store.close();
  });

  it('refuses a signature by another key, and a missing signature', async () => {
    const other = await crawl(rpmRepo('g', `baseurl: ${server.url}/b/`, `    repo-gpgcheck: true\n    signing-key: { file: ${otherKey.publicKeyringPath} }\n`));
    expect(other.outcome.error!.describe()).toMatch(/^repo g: repodata\/repomd.xml.asc: signature not valid: signed by key [0-9A-F]+, which is not in the configured keyring$/);
    other.store.close();
    const unsigned = await crawl(rpmRepo('u', `baseurl: ${server.url}/a/`, `    repo-gpgcheck: true\n    signing-key: { file: ${key.publicKeyringPath} }\n`));
    expect(unsigned.outcome.error!.describe()).toBe('repo u: repodata/repomd.xml.asc: no signature (repo-gpgcheck is on and the repo publishes none)');
    unsigned.store.close();
  });

  it('refuses a repomd.xml changed after signing', async () => {
    const repomd = path.join(work, 'www/b/repodata/repomd.xml');
    const original = await readFile(repomd, 'utf8');
    try {
      await writeFile(repomd, original.replace('<revision>2</revision>', '<revision>3</revision>'));
      const { outcome, store } = await crawl(rpmRepo('t', `baseurl: ${server.url}/b/`, `    repo-gpgcheck: true\n    signing-key: { file: ${key.publicKeyringPath} }\n`));
      expect(outcome.error!.kind).toBe('signature');
      expect(outcome.error!.describe()).toMatch(/BAD signature/);
      store.close();
    } finally {
      await writeFile(repomd, original);
    }
  });
});

describe('Debian by-hash and the shrink guard', () => {
  it('fetches Packages by hash when the Release offers it', async () => {
    await buildDebRepo({
      dir: path.join(work, 'www/deb'),
      suites: [{ suite: 'stable', components: ['main'], architectures: ['amd64'], acquireByHash: true, packages: { main: [{ name: 'hello', version: '1.0-1', arch: 'amd64' }] } }],
      sign: key,
    });
    server.requests.length = 0;
    const { outcome, store } = await crawl(
      `  d:\n    vendor: D\n    role: distro\n    format: deb\n    uri: ${server.url}/deb/\n    suite: stable\n    components: [main]\n    signing-key: { file: ${key.publicKeyringPath} }\n`,
    );
    expect(outcome.error?.describe()).toBeUndefined();
    const indexRequests = server.requests.filter((r) => r.path.includes('/binary-amd64/'));
    expect(indexRequests.map((r) => r.path)).toEqual([expect.stringMatching(/^\/deb\/dists\/stable\/main\/binary-amd64\/by-hash\/SHA256\/[0-9a-f]{64}$/)]);
    store.close();
  });

  it('reads a flat repository (deb URI ./)', async () => {
    await buildFlatDebRepo({ dir: path.join(work, 'www/flat'), packages: [{ name: 'vendor-tool', version: '3.1-1', arch: 'amd64', homepage: 'https://example.org/tool' }], sign: key });
    const { outcome, store } = await crawl(
      `  f:\n    vendor: Example\n    role: upstream\n    format: deb\n    uri: ${server.url}/flat/\n    flat: true\n    signing-key: { file: ${key.publicKeyringPath} }\n`,
    );
    expect(outcome.error?.describe()).toBeUndefined();
    expect(store.currentVersions(['f']).map((v) => [v.name, v.evr, v.url])).toEqual([['vendor-tool', '3.1-1', 'https://example.org/tool']]);
    store.close();
  });

  it('fails a signed flat repo whose Release lists no hashes, as apt does, and stores nothing', async () => {
    await buildFlatDebRepo({ dir: path.join(work, 'www/flat-nohash'), packages: [{ name: 'unverifiable', version: '1.0-1', arch: 'amd64' }], sign: key, indexes: [] });
    const { outcome, store } = await crawl(
      `  n:\n    vendor: Example\n    role: upstream\n    format: deb\n    uri: ${server.url}/flat-nohash/\n    flat: true\n    signing-key: { file: ${key.publicKeyringPath} }\n`,
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.error!.describe()).toMatch(/^repo n: InRelease: the Release lists no hashes/);
    expect(store.currentVersions(['n'])).toEqual([]);
    store.close();
  });

  it('refuses a repo that lost more than half its packages, unless accepted', async () => {
    const many = Array.from({ length: 24 }, (_, i) => pkg(`p${i}`));
    await buildRpmRepo({ dir: path.join(work, 'www/shrink'), rpms: many, revision: '1' });
    const db = path.join(work, 'shrink.sqlite');
    const yaml = rpmRepo('shrink', `baseurl: ${server.url}/shrink/`);
    (await crawl(yaml, { db })).store.close();
    await buildRpmRepo({ dir: path.join(work, 'www/shrink'), rpms: many.slice(0, 5), revision: '2' });
    const refused = await crawl(yaml, { db });
    expect(refused.outcome.error!.describe()).toMatch(/the repo shrank from 24 to 5 packages \(more than half gone\); not stored/);
    expect(refused.store.currentVersions(['shrink'])).toHaveLength(24);
    refused.store.close();
    const accepted = await crawl(yaml, { db, accept: true });
    expect(accepted.outcome.status).toBe('changed');
    expect(accepted.store.currentVersions(['shrink'])).toHaveLength(5);
    accepted.store.close();
  });
});
