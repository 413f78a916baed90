/**
 * Faults reported as what they are: not found, too slow, asked to wait, disk full, numbers out of
 * range, an endless field. Real repos on 127.0.0.1, the CLI in a child process; each case asserts
 * the exit code, the one stderr line and that the store is unchanged — on either store (a damaged
 * SQLite file: store-file-damage.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, open, readFile, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoclash } from '../support/cli.js';
import { buildDebRepo } from '../support/deb-repo.js';
import { execTool } from '../support/exec.js';
import { clearsign, makeThrowawayKey, type GpgKey } from '../support/gpg.js';
import { seededFaultStore, storedState } from '../support/hostile.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { buildRpmRepo, rewriteRepodataFile } from '../support/rpm-repo.js';
import { tearDown } from '../support/teardown.js';
import { copyTestStore } from '../support/test-store.js';

let work: string;
let server: RepoServer;
let key: GpgKey;
let seedDb: string;
let n = 0;

const rpmYaml = (dir = 'rpm') => `  r:\n    vendor: V\n    role: upstream\n    format: rpm\n    baseurl: ${server.url}/${dir}/\n`;
const debYaml = (dir: string) =>
  `  d:\n    vendor: D\n    role: distro\n    format: deb\n    uri: ${server.url}/${dir}/\n    suite: stable\n    components: [main]\n    architectures: [amd64]\n    signing-key: { file: ${key.publicKeyringPath} }\n`;

/** Run `crawl` in a fresh directory; `db` defaults to a copy of the seeded store. */
async function crawl(yaml: string, extra: string[] = [], options: { db?: string; cache?: string; measureRss?: boolean } = {}) {
  const dir = path.join(work, `run-${++n}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'repos.yaml'), `repos:\n${yaml}`);
  const db = options.db ?? path.join(dir, 'store.db');
  if (!options.db) await copyTestStore(seedDb, db);
  const run = await repoclash(dir, ['crawl', '--config', path.join(dir, 'repos.yaml'), '--db', db, '--cache', options.cache ?? path.join(dir, 'cache'), '--retries', '0', ...extra], {
    measureRss: options.measureRss === true,
  });
  return { ...run, lines: run.stderr.trim().split('\n'), db };
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-faults-'));
  key = await makeThrowawayKey(path.join(work, 'key'));
  server = await startRepoServer({ root: path.join(work, 'www') });
  // The seed stays a SQLite file on either store; each case starts from a copy (copyTestStore).
  seedDb = await seededFaultStore(work, rpmYaml());
  // From here on the served repo has changed, so every crawl must fetch a new primary.
  await buildRpmRepo({ dir: path.join(work, 'www/rpm'), rpms: [{ name: 'tool', version: '1.0', release: '1', vendor: 'V' }, { name: 'tool', version: '2.0', release: '1', vendor: 'V' }], revision: '2' });
}, 120_000);

afterAll(() => tearDown(work, server, key));

describe('not found', () => {
  it('404 and 410 on repomd.xml say "not found" with the URL', async () => {
    for (const status of [404, 410]) {
      server.fail('/rpm/repodata/repomd.xml', { status, times: 1 });
      const r = await crawl(rpmYaml());
      expect(r.code).toBe(3);
      expect(r.lines).toEqual([`repoclash: repo r: repodata/repomd.xml: not found: ${server.url}/rpm/repodata/repomd.xml`]);
      expect(storedState(r.db, ['r'])).toEqual(storedState(`sqlite:${seedDb}`, ['r']));
    }
    server.clearFaults();
  });

  it('a deb repo with no InRelease, Release or Release.gpg is not found, and trusted is not suggested', async () => {
    const r = await crawl(debYaml('nothing-here'));
    expect(r.code).toBe(3);
    expect(r.lines).toEqual([`repoclash: repo d: Release: not found: neither InRelease nor Release at ${server.url}/nothing-here/dists/stable/ (check the repo's uri and suite)`]);
    expect(r.stderr).not.toMatch(/trusted/);
  });
});

describe('slow and throttling servers', () => {
  it('a body dripping a byte every 0.5 s ends at the per-file deadline, not never', async () => {
    server.drip(/primary\.xml/, { intervalMs: 500 });
    try {
      const r = await crawl(rpmYaml(), ['--timeout', '3']);
      expect(r.code).toBe(3);
      expect(r.lines).toEqual([expect.stringMatching(/^repoclash: repo r: repodata\/[0-9a-f]+-primary\.xml\.gz: gave up after [34] s with \d+ bytes received: too slow \(a file gets --timeout plus its size at 64 KiB\/s\)$/)]);
      // --timeout 3 plus a few hundred bytes at 64 KiB/s: the crawl ends within seconds.
      expect(r.ms).toBeLessThan(12_000);
      console.log(`drip-feed: crawl with --timeout 3 failed after ${r.ms} ms`);
      expect(storedState(r.db, ['r'])).toEqual(storedState(`sqlite:${seedDb}`, ['r']));
    } finally {
      server.clearFaults();
    }
  });

  it('Retry-After on a 429 is honoured (within its bound)', async () => {
    server.fail('/rpm/repodata/repomd.xml', { status: 429, times: 1, headers: { 'Retry-After': '2' } });
    server.requests.length = 0;
    const r = await crawl(rpmYaml(), ['--retries', '1']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const asks = server.requests.filter((q) => q.path === '/rpm/repodata/repomd.xml');
    expect(asks.map((q) => q.status)).toEqual([429, 200]);
    expect(asks[1]!.at - asks[0]!.at).toBeGreaterThanOrEqual(2000);

    // A server asking for an hour is not waited for.
    server.fail('/rpm/repodata/repomd.xml', { status: 429, times: 1, headers: { 'Retry-After': '3600' } });
    const long = await crawl(rpmYaml(), ['--retries', '1']);
    expect(long.code).toBe(3);
    expect(long.lines).toEqual([
      `repoclash: repo r: repodata/repomd.xml: HTTP 429 Too Many Requests: ${server.url}/rpm/repodata/repomd.xml (the server asks to retry after 3600 s, longer than the 120 s repoclash waits)`,
    ]);
    expect(long.ms).toBeLessThan(10_000);
    server.clearFaults();
  });
});

describe('the local disk', () => {
  it('a full disk while caching is one line naming the file, exit 3, nothing stored', async () => {
    const mount = path.join(work, 'full');
    await mkdir(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount]);
    try {
      // Fill it up, leaving no block free.
      const filler = await open(path.join(mount, 'filler'), 'w');
      try {
        for (;;) await filler.write(Buffer.alloc(4096));
      } catch (err) {
        expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        await filler.close();
      }
      const cache = path.join(mount, 'cache');
      await mkdir(cache).catch(() => undefined);
      const r = await crawl(rpmYaml(), [], { cache });
      expect(r.code).toBe(3);
      expect(r.lines).toEqual([expect.stringMatching(new RegExp(`^repoclash: repo r: ${mount}/cache/[^:]+: cannot write the cache: no space left on device$`))]);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(storedState(r.db, ['r'])).toEqual(storedState(`sqlite:${seedDb}`, ['r']));
    } finally {
      execFileSync('umount', [mount]);
    }
  });
});

describe('the parsers refuse what cannot be true, with repo, file and place', () => {
  it('an epoch of 99999999999999999999999 and a build time of 1e30', async () => {
    for (const [what, edit, message] of [
      ['epoch', (x: string) => x.replace(/epoch="0"/, 'epoch="99999999999999999999999"'), /<version epoch="99999999999999999999999"> is out of range \(rpm's epoch is at most 4294967295\)$/],
      ['build time', (x: string) => x.replace(/build="\d+"/, 'build="1e30"'), /<time build="1e30"> is out of range \(at most 9007199254740991\)$/],
    ] as const) {
      await buildRpmRepo({ dir: path.join(work, 'www/numbers'), rpms: [{ name: 'tool', version: '2.0', release: '1', vendor: 'V' }], revision: '3' });
      await rewriteRepodataFile(path.join(work, 'www/numbers'), 'primary', edit);
      const r = await crawl(rpmYaml('numbers'));
      expect(`${what}: ${r.code}`).toBe(`${what}: 3`);
      expect(r.lines, `stderr was:\n${r.stderr}`).toHaveLength(1);
      expect(r.lines[0]).toMatch(/^repoclash: repo r: repodata\/[0-9a-f]+-primary\.xml\.gz \(byte \d+\): /);
      expect(r.lines[0]).toMatch(message);
      expect(storedState(r.db, ['r'])).toEqual(storedState(`sqlite:${seedDb}`, ['r']));
    }
  });

  it('a 10 GiB continuation field in Packages.xz fails fast with bounded memory', async () => {
    const dir = path.join(work, 'www/huge');
    await buildDebRepo({ dir, suites: [{ suite: 'stable', components: ['main'], architectures: ['amd64'], packages: { main: [{ name: 'hello', version: '1.0-1', arch: 'amd64' }] } }], sign: key });
    const distDir = path.join(dir, 'dists/stable');
    const indexDir = path.join(distDir, 'main/binary-amd64');
    // xz streams may be concatenated: a head stream, then one 64 MiB stream of continuation lines
    // 160 times over, is a valid Packages.xz holding one 10 GiB Description, yet only ~2 MB.
    const head = Buffer.from('Package: hello\nVersion: 1.0-1\nArchitecture: amd64\nDescription: endless\n');
    const line = Buffer.from(' x\n');
    const block = Buffer.alloc(64 * 1024 * 1024);
    for (let k = 0; k + line.length <= block.length; k += line.length) line.copy(block, k);
    const xz = (input: Buffer) => execFileSync('xz', ['-0', '-c', '-T1'], { input, maxBuffer: 64 * 1024 * 1024 });
    const blockXz = xz(block);
    await writeFile(path.join(indexDir, 'Packages.xz'), Buffer.concat([xz(head), ...Array.from({ length: 160 }, () => blockXz)]));
    // The uncompressed Packages stays listed: apt (and repoclash) read an index only when the
    // Release lists its plain name, then take the .xz first.
    await unlink(path.join(indexDir, 'Packages.gz'));
    const release = (
      await execTool('apt-ftparchive', ['-o', 'APT::FTPArchive::Release::Suite=stable', '-o', 'APT::FTPArchive::Release::Components=main', '-o', 'APT::FTPArchive::Release::Architectures=amd64', 'release', '.'], { cwd: distDir })
    ).stdout;
    await writeFile(path.join(distDir, 'Release'), release);
    await clearsign(key, path.join(distDir, 'Release'), path.join(distDir, 'InRelease'));

    const r = await crawl(debYaml('huge'), [], { measureRss: true });
    expect(r.code).toBe(3);
    // The paragraph opens at line 1; its Description never ends.
    expect(r.lines).toEqual(['repoclash: repo d: main/binary-amd64/Packages.xz:1: paragraph longer than 16777216 bytes (a field that never ends?): refused']);
    expect(storedState(r.db, ['d'])).toEqual({ versions: [], snapshots: [0] });
    // The 2 GiB total cap would have let it grow to 2 GiB; the field and paragraph caps hold it near 16 MiB.
    expect(r.peakRssBytes!).toBeLessThan(300 * 1024 * 1024);
    expect(r.ms).toBeLessThan(20_000);
    console.log(`huge field: failed after ${r.ms} ms, peak RSS ${(r.peakRssBytes! / 1024 / 1024).toFixed(0)} MiB`);
  }, 120_000);

  it('a 10 GiB <description> in primary.xml.gz fails fast with bounded memory', async () => {
    const dir = path.join(work, 'www/huge-rpm');
    await buildRpmRepo({ dir, rpms: [{ name: 'tool', version: '2.0', release: '1', vendor: 'V' }], revision: '4' });
    // gzip members may be concatenated too: the head of a primary.xml, then 160 × 64 MiB of text.
    const head = Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?>\n<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="1">\n' +
        '<package type="rpm"><name>tool</name><arch>noarch</arch><version epoch="0" ver="2.0" rel="1"/><description>',
    );
    const member = gzipSync(Buffer.alloc(64 * 1024 * 1024, 'x'), { level: 1 });
    const body = Buffer.concat([gzipSync(head), ...Array.from({ length: 160 }, () => member)]);
    const repomdPath = path.join(dir, 'repodata/repomd.xml');
    const repomd = await readFile(repomdPath, 'utf8');
    const href = /href="([^"]*primary\.xml\.gz)"/.exec(repomd)![1]!;
    const block = /<data type="primary">[\s\S]*?<\/data>/.exec(repomd)![0];
    await writeFile(path.join(dir, href), body);
    await writeFile(
      repomdPath,
      repomd.replace(
        block,
        block
          .replace(/<checksum type="sha256">[0-9a-f]+<\/checksum>/, `<checksum type="sha256">${createHash('sha256').update(body).digest('hex')}</checksum>`)
          .replace(/<size>\d+<\/size>/, `<size>${body.length}</size>`),
      ),
    );
    const r = await crawl(rpmYaml('huge-rpm'), [], { measureRss: true });
    expect(r.code).toBe(3);
    expect(r.lines, `stderr was:\n${r.stderr}`).toHaveLength(1);
    expect(r.lines[0]!.startsWith(`repoclash: repo r: ${href}`)).toBe(true);
    expect(r.lines[0]).toMatch(/: text longer than 8388608 bytes$/);
    expect(storedState(r.db, ['r'])).toEqual(storedState(`sqlite:${seedDb}`, ['r']));
    expect(r.peakRssBytes!).toBeLessThan(300 * 1024 * 1024);
    expect(r.ms).toBeLessThan(20_000);
    console.log(`huge primary field: failed after ${r.ms} ms, peak RSS ${(r.peakRssBytes! / 1024 / 1024).toFixed(0)} MiB`);
  }, 120_000);
});
