/**
 * Freeze attacks: one index dated 2099 must not become a high-water mark that refuses every honest
 * index afterwards. Real signed Debian repos (apt-ftparchive + gpg) and rpm repos (createrepo_c)
 * on 127.0.0.1, the CLI in a child process.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/index.js';
import { repoclash } from '../support/cli.js';
import { buildDebRepo, type DebSpec } from '../support/deb-repo.js';
import { makeThrowawayKey, type GpgKey } from '../support/gpg.js';
import { storedState } from '../support/hostile.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { buildRpmRepo } from '../support/rpm-repo.js';
import { tearDown } from '../support/teardown.js';
import { testStoreLocation } from '../support/test-store.js';

let work: string;
let server: RepoServer;
let key: GpgKey;
const FUTURE = new Date('2099-01-01T00:00:00Z');
const FUTURE_SECONDS = FUTURE.getTime() / 1000;

const hello = (version: string): DebSpec => ({ name: 'hello', version, arch: 'amd64' });
const debSuite = (packages: DebSpec[], date: Date, validUntil?: Date) =>
  buildDebRepo({
    dir: path.join(work, 'www/deb'),
    suites: [{ suite: 'stable', components: ['main'], architectures: ['amd64'], date, ...(validUntil ? { validUntil } : {}), packages: { main: packages } }],
    sign: key,
  });

async function crawlIn(name: string, yaml: string, db: string) {
  const dir = path.join(work, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'repos.yaml'), `repos:\n${yaml}`);
  const run = await repoclash(dir, ['crawl', '--config', path.join(dir, 'repos.yaml'), '--db', db, '--cache', path.join(dir, 'cache'), '--retries', '0']);
  return { ...run, lines: run.stderr.trim().split('\n') };
}

const debYaml = () =>
  `  d:\n    vendor: D\n    role: distro\n    format: deb\n    uri: ${server.url}/deb/\n    suite: stable\n    components: [main]\n    signing-key: { file: ${key.publicKeyringPath} }\n`;
const rpmYaml = () => `  r:\n    vendor: V\n    role: upstream\n    format: rpm\n    baseurl: ${server.url}/rpm/\n`;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-fresh-'));
  key = await makeThrowawayKey(path.join(work, 'key'));
  server = await startRepoServer({ root: path.join(work, 'www') });
}, 60_000);

afterAll(() => tearDown(work, server, key));

describe('metadata dated in the future is not valid yet', () => {
  it('a Release dated 2099 is refused and stores nothing; the honest Release after it is taken without --accept', async () => {
    const db = path.join(work, 'deb.db');
    await debSuite([hello('1.0-1')], new Date());
    expect((await crawlIn('deb-1', debYaml(), db)).code).toBe(0);
    const before = storedState(db, ['d']);

    await debSuite([hello('1.0-1'), hello('6.6-6')], FUTURE);
    const poisoned = await crawlIn('deb-2', debYaml(), db);
    expect(poisoned.code).toBe(3);
    expect(poisoned.lines).toEqual([expect.stringMatching(/^repoclash: repo d: InRelease: not valid yet: its Date 2099-01-01T00:00:00Z is \d+ days in the future \(this host's clock says \d{4}-.*Z\); not stored$/)]);
    expect(storedState(db, ['d'])).toEqual(before);

    await debSuite([hello('1.0-1'), hello('2.0-1')], new Date());
    const honest = await crawlIn('deb-3', debYaml(), db);
    expect(honest.stderr).toBe('');
    expect(honest.code).toBe(0);
    expect(storedState(db, ['d']).versions).toHaveLength(2);
  });

  it('a repomd.xml with 2099 revision and timestamps is refused (no gpgcheck); the honest one after it is taken', async () => {
    const db = path.join(work, 'rpm.db');
    await buildRpmRepo({ dir: path.join(work, 'www/rpm'), rpms: [{ name: 'tool', version: '1.0', release: '1', vendor: 'V' }], revision: '1700000000' });
    expect((await crawlIn('rpm-1', rpmYaml(), db)).code).toBe(0);
    const before = storedState(db, ['r']);

    await buildRpmRepo({ dir: path.join(work, 'www/rpm'), rpms: [{ name: 'tool', version: '6.6', release: '6', vendor: 'V' }], revision: String(FUTURE_SECONDS) });
    const repomd = path.join(work, 'www/rpm/repodata/repomd.xml');
    await writeFile(repomd, (await readFile(repomd, 'utf8')).replace(/<timestamp>\d+<\/timestamp>/g, `<timestamp>${FUTURE_SECONDS}</timestamp>`));
    const poisoned = await crawlIn('rpm-2', rpmYaml(), db);
    expect(poisoned.code).toBe(3);
    expect(poisoned.lines).toEqual([expect.stringMatching(/^repoclash: repo r: repodata\/repomd\.xml: not valid yet: its revision 2099-01-01T00:00:00Z is \d+ days in the future .*; not stored$/)]);
    expect(storedState(db, ['r'])).toEqual(before);

    await buildRpmRepo({ dir: path.join(work, 'www/rpm'), rpms: [{ name: 'tool', version: '2.0', release: '1', vendor: 'V' }], revision: String(Math.floor(Date.now() / 1000)) });
    const honest = await crawlIn('rpm-3', rpmYaml(), db);
    expect(honest.stderr).toBe('');
    expect(honest.code).toBe(0);
  });
});

describe('a poisoned high-water mark cannot lock a repo out', () => {
  it('a mark stored in the future (by an older repoclash) is not compared with', async () => {
    const db = path.join(work, 'poisoned.db');
    // What an unguarded crawl stored: metadata from 2099, fetched now.
    const store = Store.open({ path: testStoreLocation(db) });
    store.upsertRepo({ id: 'r', vendor: 'V', role: 'upstream', format: 'rpm' }, Date.now());
    await store.withRepoUpdate({ repoId: 'r', fetchedAt: Date.now(), revision: String(FUTURE_SECONDS), metadataTime: FUTURE_SECONDS, indexChecksum: 'sha256:poisoned' }, async (u) => {
      u.add({ name: 'tool', arch: 'noarch', epoch: 0, version: '6.6', release: '6', evr: '6.6-6', vendor: 'V', sourceName: 'tool', url: null, summary: null, buildTime: null });
    });
    store.close();
    await buildRpmRepo({ dir: path.join(work, 'www/rpm'), rpms: [{ name: 'tool', version: '3.0', release: '1', vendor: 'V' }], revision: String(Math.floor(Date.now() / 1000)) });
    const honest = await crawlIn('poisoned', rpmYaml(), db);
    expect(honest.stderr).toBe('');
    expect(honest.code).toBe(0);
    expect(storedState(db, ['r']).versions).toEqual([expect.stringMatching(/^r tool 3\.0-1 /)]);
  });

  it('a genuine older index is still refused as going backwards', async () => {
    const db = path.join(work, 'rollback.db');
    const now = Math.floor(Date.now() / 1000);
    await buildRpmRepo({ dir: path.join(work, 'www/rpm'), rpms: [{ name: 'tool', version: '4.0', release: '1', vendor: 'V' }], revision: String(now) });
    expect((await crawlIn('rb-1', rpmYaml(), db)).code).toBe(0);
    await buildRpmRepo({ dir: path.join(work, 'www/rpm'), rpms: [{ name: 'tool', version: '3.9', release: '1', vendor: 'V' }], revision: String(now - 86_400) });
    const stale = await crawlIn('rb-2', rpmYaml(), db);
    expect(stale.code).toBe(3);
    expect(stale.lines[0]).toMatch(/went backwards/);
  });

  it('a signed Release with Valid-Until is judged by its signature and expiry, not by the stored mark', async () => {
    const db = path.join(work, 'signed.db');
    const day = 86_400_000;
    await debSuite([hello('1.0-1')], new Date(), new Date(Date.now() + 7 * day));
    expect((await crawlIn('signed-1', debYaml(), db)).code).toBe(0);
    // An older but still valid signed Release (a mirror one push behind) is taken.
    await debSuite([hello('0.9-1')], new Date(Date.now() - day), new Date(Date.now() + 6 * day));
    const older = await crawlIn('signed-2', debYaml(), db);
    expect(older.stderr).toBe('');
    expect(older.code).toBe(0);
  });
});
