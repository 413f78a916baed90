/**
 * Hostile repository metadata may not make a crawl read local files, talk to hosts the user never
 * configured, or use the cache as a way in. Real repos (rpmbuild + createrepo_c) on 127.0.0.1, a
 * second loopback server standing in for "another host" (it must see no request), and the CLI in a
 * child process, as cron runs it.
 */
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile, readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoclash, type Run } from '../support/cli.js';
import { fileTree, plantUntouchable, storedState } from '../support/hostile.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { buildRpmRepo } from '../support/rpm-repo.js';
import { tearDown } from '../support/teardown.js';
import { copyTestStore } from '../support/test-store.js';

let work: string;
let server: RepoServer;
let other: RepoServer;
let baseline: string;
let primaryHref: string;
let originalRepomd: string;
const SECRET = 's3cret-pw';

const repoDir = () => path.join(work, 'www/rpm');
const repomdPath = () => path.join(repoDir(), 'repodata/repomd.xml');

function configText(location: string): string {
  return `repos:\n  r:\n    vendor: V\n    role: upstream\n    format: rpm\n    ${location}\n`;
}
const credentialed = () => `baseurl: http://user:${SECRET}@127.0.0.1:${new URL(server.url).port}/rpm/`;

interface CaseResult {
  run: Run;
  lines: string[];
  db: string;
  cache: string;
}

let caseNo = 0;
/** Crawl repo `r` (stored once from the honest repo) with the served repo edited as the case says. */
async function hostileCrawl(location: string, setup: () => Promise<void>, stored: 'unchanged' | 'changed' = 'unchanged'): Promise<CaseResult> {
  const dir = path.join(work, `case-${++caseNo}`);
  await mkdir(dir, { recursive: true });
  const db = path.join(dir, 'store.db');
  await copyTestStore(baseline, db);
  const config = path.join(dir, 'repos.yaml');
  await writeFile(config, configText(location));
  const cache = path.join(dir, 'cache');
  other.requests.length = 0;
  await setup();
  const before = await fileTree(work, [dir]);
  try {
    const run = await repoclash(dir, ['crawl', '--config', config, '--db', db, '--cache', cache, '--retries', '0', '--timeout', '3']);
    // Nothing outside this case's directory (store and cache) was written.
    expect(await fileTree(work, [dir])).toEqual(before);
    expect(other.requests).toEqual([]);
    if (stored === 'unchanged') expect(storedState(db, ['r'])).toEqual(storedState(`sqlite:${baseline}`, ['r']));
    return { run, lines: run.stderr.trim().split('\n'), db, cache };
  } finally {
    await writeFile(repomdPath(), originalRepomd);
  }
}

const withLocation = (edit: (tag: string) => string) => (repomd: string) =>
  repomd.replace(/<location href="([^"]*primary\.xml\.gz)"\/>/, (tag) => edit(tag));

async function editRepomd(edit: (text: string) => string): Promise<void> {
  const text = edit(originalRepomd);
  expect(text).not.toBe(originalRepomd);
  await writeFile(repomdPath(), text);
}

const tool = (version: string) => ({ name: 'tool', version, release: '1', vendor: 'V' });

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-hostile-'));
  server = await startRepoServer({ root: path.join(work, 'www') });
  other = await startRepoServer({ root: path.join(work, 'other') });
  // The honest state every case starts from: tool 1.0, revision 100.
  await buildRpmRepo({ dir: repoDir(), rpms: [tool('1.0')], revision: '100' });
  const seed = path.join(work, 'seed');
  await mkdir(seed);
  baseline = path.join(seed, 'baseline.db');
  await writeFile(path.join(seed, 'repos.yaml'), configText(credentialed()));
  // The baseline stays a SQLite file on either store; each case starts from a copy (copyTestStore).
  const first = await repoclash(seed, ['crawl', '--config', path.join(seed, 'repos.yaml'), '--db', `sqlite:${baseline}`, '--cache', path.join(seed, 'cache')]);
  expect(first.stderr).toBe('');
  // What every case serves: tool 2.0 appeared, so the crawl must fetch the new primary.
  await buildRpmRepo({ dir: repoDir(), rpms: [tool('1.0'), tool('2.0')], revision: '200' });
  originalRepomd = await readFile(repomdPath(), 'utf8');
  primaryHref = /href="([^"]*primary\.xml\.gz)"/.exec(originalRepomd)![1]!;
  // The "other host" serves a complete copy of the repo: following a pointer there would succeed.
  await mkdir(path.join(work, 'other'), { recursive: true });
  await cp(repoDir(), path.join(work, 'other/rpm'), { recursive: true });
  // A local copy a hostile document would like read as the repo's contents.
  await mkdir(path.join(work, 'outside'), { recursive: true });
  await cp(path.join(repoDir(), primaryHref), path.join(work, 'outside/planted-primary.xml.gz'));
  await writeFile(path.join(work, 'outside/passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
}, 120_000);

afterAll(() => tearDown(work, server, other));

describe('origin confinement', () => {
  it('xml:base pointing at another host is refused, and the other host sees no request', async () => {
    const r = await hostileCrawl(credentialed(), () => editRepomd(withLocation((tag) => tag.replace('<location ', `<location xml:base="${other.url}/rpm/" `))));
    expect(r.run.code).toBe(3);
    expect(r.lines).toEqual([
      `repoclash: repo r: ${primaryHref}: refused ${other.url}/rpm/${primaryHref}: outside the repo's configured locations (http://user:***@127.0.0.1:${new URL(server.url).port}/rpm/)`,
    ]);
  });

  it('an absolute href to another host is refused and the repo password is not printed', async () => {
    const r = await hostileCrawl(credentialed(), () => editRepomd(withLocation(() => `<location href="${other.url}/rpm/${primaryHref}"/>`)));
    expect(r.run.code).toBe(3);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^repoclash: repo r: http:\/\/127\.0\.0\.1:\d+\/rpm\/repodata\/.*: refused .*: outside the repo's configured locations/);
    expect(r.run.stderr + r.run.stdout).not.toContain(SECRET);
  });

  it('an absolute href within the repo is followed, with the repo credentials', async () => {
    server.requests.length = 0;
    const r = await hostileCrawl(credentialed(), () => editRepomd(withLocation(() => `<location href="${server.url}/rpm/${primaryHref}"/>`)), 'changed');
    expect(r.run.stderr).toBe('');
    expect(r.run.code).toBe(0);
    expect(storedState(r.db, ['r']).versions).toHaveLength(2);
    const primaryRequest = server.requests.find((q) => q.path === `/rpm/${primaryHref}`);
    expect(primaryRequest?.authorization).toBe(`Basic ${Buffer.from(`user:${SECRET}`).toString('base64')}`);
  });

  it('a ".." path out of the repo directory is refused', async () => {
    const r = await hostileCrawl(credentialed(), () => editRepomd(withLocation(() => `<location href="../outside/${primaryHref}"/>`)));
    expect(r.run.code).toBe(3);
    expect(r.lines[0]).toMatch(/: refused http:\/\/user:\*\*\*@127\.0\.0\.1:\d+\/outside\/repodata\/.*: outside the repo's configured locations/);
  });

  it('xml:base="file:///…" from an http repo reads no local file', async () => {
    const planted = path.join(work, 'outside/planted-primary.xml.gz');
    const untouched = await plantUntouchable([planted, path.join(work, 'outside/passwd')]);
    const r = await hostileCrawl(credentialed(), () => editRepomd(withLocation(() => `<location xml:base="file://${path.join(work, 'outside')}/" href="planted-primary.xml.gz"/>`)));
    expect(r.run.code).toBe(3);
    expect(r.lines).toEqual([`repoclash: repo r: planted-primary.xml.gz: refused file://${path.join(work, 'outside')}/planted-primary.xml.gz: outside the repo's configured locations (http://user:***@127.0.0.1:${new URL(server.url).port}/rpm/)`]);
    expect(await untouched()).toEqual([]);
  });

  it('a metalink served over http that lists file:// mirrors is not followed', async () => {
    const localMirror = path.join(work, 'outside/mirror');
    await cp(repoDir(), localMirror, { recursive: true });
    const metalink = `<?xml version="1.0" encoding="utf-8"?>
<metalink version="3.0" xmlns="http://www.metalinker.org/"><files><file name="repomd.xml"><resources>
<url protocol="file" type="file" preference="100">file://${localMirror}/repodata/repomd.xml</url>
</resources></file></files></metalink>`;
    await writeFile(path.join(work, 'www/metalink.xml'), metalink);
    const untouched = await plantUntouchable([path.join(localMirror, 'repodata/repomd.xml'), path.join(localMirror, primaryHref)]);
    const r = await hostileCrawl(`metalink: ${server.url}/metalink.xml`, async () => undefined);
    expect(r.run.code).toBe(3);
    expect(r.lines).toEqual(['repoclash: repo r: no mirror to fetch from']);
    expect(await untouched()).toEqual([]);
    const json = await repoclash(path.dirname(r.db), ['crawl', '--config', path.join(path.dirname(r.db), 'repos.yaml'), '--db', r.db, '--cache', r.cache, '--format', 'json']);
    expect(json.stdout).not.toContain('"status": "changed"');
  });

  it('a mirrorlist over http with a file:// mirror uses only its http mirrors', async () => {
    const localMirror = path.join(work, 'outside/mirror2');
    await cp(repoDir(), localMirror, { recursive: true });
    await writeFile(path.join(work, 'www/mirrorlist.txt'), `file://${localMirror}/\n${server.url}/rpm/\n`);
    const untouched = await plantUntouchable([path.join(localMirror, 'repodata/repomd.xml')]);
    const dir = path.join(work, 'ml');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'repos.yaml'), configText(`mirrorlist: ${server.url}/mirrorlist.txt`));
    const run = await repoclash(dir, ['crawl', '--config', path.join(dir, 'repos.yaml'), '--db', path.join(dir, 'db'), '--cache', path.join(dir, 'cache'), '--format', 'json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { repos: Array<{ notes: string[] }> };
    expect(out.repos[0]!.notes).toEqual([`ignored 1 mirror (scheme file) listed by ${server.url}/mirrorlist.txt: a mirror must use the document's own scheme`]);
    expect(await untouched()).toEqual([]);
  });

  it("a repomd <checksum> that is a path is refused before it names a file", async () => {
    const planted = path.join(work, 'outside/planted.xml');
    await writeFile(planted, 'not metadata');
    const untouched = await plantUntouchable([planted]);
    const r = await hostileCrawl(credentialed(), () =>
      editRepomd((t) => t.replace(/(<data type="primary">\s*<checksum type="sha256">)[0-9a-f]{64}/, `$1../../../../outside/planted.xml`)),
    );
    expect(r.run.code).toBe(3);
    expect(r.lines).toEqual([`repoclash: repo r: ${primaryHref}: checksum "../../../../outside/planted.xml" is not a sha256 digest (64 hex digits)`]);
    expect(await untouched()).toEqual([]);
  });
});

describe('the cache is verified, private and never followed through links', () => {
  it('an object altered on disk is not used: a fresh store gets the genuine data', async () => {
    const dir = path.join(work, 'tamper');
    await mkdir(dir, { recursive: true });
    const config = path.join(dir, 'repos.yaml');
    await writeFile(config, configText(credentialed()));
    const cache = path.join(dir, 'cache');
    expect((await repoclash(dir, ['crawl', '--config', config, '--db', path.join(dir, 'a.db'), '--cache', cache])).code).toBe(0);
    // Put another repo's (valid, parseable) primary in place of the cached object.
    const objects = path.join(cache, 'objects/sha256');
    const [prefix] = await readdir(objects);
    const names = (await Promise.all((await readdir(objects)).map(async (p) => (await readdir(path.join(objects, p))).map((n) => path.join(objects, p, n))))).flat();
    const primaryObject = names.find((n) => n.endsWith(/([0-9a-f]{64})-primary/.exec(primaryHref)![1]!))!;
    expect(prefix).toBeDefined();
    const forged = path.join(work, 'forged');
    await buildRpmRepo({ dir: forged, rpms: [{ name: 'evil', version: '6.6', release: '6', vendor: 'X' }] });
    const forgedHref = /href="([^"]*primary\.xml\.gz)"/.exec(await readFile(path.join(forged, 'repodata/repomd.xml'), 'utf8'))![1]!;
    await cp(path.join(forged, forgedHref), primaryObject);
    server.requests.length = 0;
    const run = await repoclash(dir, ['crawl', '--config', config, '--db', path.join(dir, 'b.db'), '--cache', cache]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(storedState(path.join(dir, 'b.db'), ['r']).versions).toEqual([expect.stringMatching(/^r tool 1\.0-1 /), expect.stringMatching(/^r tool 2\.0-1 /)]);
    // It was downloaded again, not taken from the cache.
    expect(server.count(`/rpm/${primaryHref}`)).toBe(1);
  });

  it('a symlink planted at objects/sha256 is refused, nothing is written through it', async () => {
    const dir = path.join(work, 'planted-link');
    const cache = path.join(dir, 'cache');
    const target = path.join(work, 'outside/link-target');
    await mkdir(target, { recursive: true });
    await mkdir(path.join(cache, 'objects'), { recursive: true });
    await symlink(target, path.join(cache, 'objects/sha256'));
    const r = await hostileCrawl(credentialed(), async () => {
      await rm(path.join(work, `case-${caseNo}/cache`), { recursive: true, force: true });
      await cp(cache, path.join(work, `case-${caseNo}/cache`), { recursive: true, verbatimSymlinks: true });
    });
    expect(r.run.code).toBe(3);
    expect(r.lines).toEqual([
      `repoclash: repo r: ${r.cache}/objects/sha256: ${r.cache}/objects/sha256 is a symlink; the cache never follows links it did not make (remove it)`,
    ]);
    expect(await readdir(target)).toEqual([]);
  });

  it('creates the cache directories 0700', async () => {
    const dir = path.join(work, 'modes');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'repos.yaml'), configText(credentialed()));
    const cache = path.join(dir, 'cache');
    expect((await repoclash(dir, ['crawl', '--config', path.join(dir, 'repos.yaml'), '--db', path.join(dir, 'db'), '--cache', cache])).code).toBe(0);
    for (const d of [cache, path.join(cache, 'objects'), path.join(cache, 'objects/sha256'), path.join(cache, 'index')]) {
      expect(((await stat(d)).mode & 0o777).toString(8)).toBe('700');
    }
    // And the index entry does not keep the password.
    const index = await readdir(path.join(cache, 'index'));
    for (const f of index) expect(await readFile(path.join(cache, 'index', f), 'utf8')).not.toContain(SECRET);
  });
});
