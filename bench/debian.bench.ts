/**
 * The Debian Packages benchmark on the live archive: sid main binary-amd64.
 *
 * The mirror comes from this host's apt sources (never a hard-coded host); the index paths, sizes
 * and hashes come from dists/sid/Release. Downloads are cached under bench/.data/debian/ and reused
 * for a day. Measures decompression (.gz with node:zlib, .xz with the xz binary, since node:zlib has
 * no xz), then parsing the uncompressed file with parsePackages against a naive split('\n') parser,
 * each in its own child process so peak RSS is the parser's own.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { debianMirrorFromHost } from '../src/config/debian-archive.js';
import { parseRelease, type HashedFile } from '../src/formats/deb/release.js';
import type { ChildResult } from './debian-parse-child.js';
import { runBenchChild, runPythonChild } from './child.js';
import type { BenchRow } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cacheDir = path.join(here, '.data', 'debian');
const DAY_MS = 24 * 3600 * 1000;
const SUITE = 'sid';
const INDEX = 'main/binary-amd64/Packages';

const MB = 1e6;

async function fetchOk(url: string, timeoutMs: number): Promise<Response> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok || res.body === null) throw new Error(`${url}: HTTP ${res.status}`);
  return res;
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A fresh (< 1 day) cached file with the expected size, else download it and check its hash. */
async function cached(url: string, file: string, want: HashedFile): Promise<{ downloaded: boolean }> {
  const info = await stat(file).catch(() => null);
  if (info !== null && info.size === want.size && Date.now() - info.mtimeMs < DAY_MS) return { downloaded: false };
  const res = await fetchOk(url, 300_000);
  const tmp = `${file}.part`;
  await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), createWriteStream(tmp));
  const got = await sha256OfFile(tmp);
  if (got !== want.hash) throw new Error(`${url}: sha256 ${got} does not match the Release's ${want.hash}`);
  await rename(tmp, file);
  return { downloaded: true };
}

/** Time consuming a byte stream to the end; returns seconds and bytes. */
async function timeDrain(source: AsyncIterable<Uint8Array>): Promise<{ seconds: number; bytes: number }> {
  const t0 = process.hrtime.bigint();
  let bytes = 0;
  for await (const chunk of source) bytes += chunk.length;
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, bytes };
}

async function bestOf<T extends { seconds: number }>(runs: number, fn: () => Promise<T>): Promise<T> {
  let best: T | null = null;
  for (let i = 0; i < runs; i++) {
    const r = await fn();
    if (best === null || r.seconds < best.seconds) best = r;
  }
  return best!;
}

function xzStream(file: string): AsyncIterable<Uint8Array> {
  const child = spawn('xz', ['-dc', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`xz -dc exited with ${code}`))));
  });
  return (async function* () {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    await exited;
  })();
}

function runChild(mode: string, file: string, runs: number): Promise<ChildResult> {
  return runBenchChild<ChildResult>('debian-parse-child.ts', [mode, file, String(runs)]);
}

export default async function debianBench(): Promise<BenchRow[]> {
  // REPOCLASH_APT_ROOT points at another root's etc/apt (to try the bench's skip paths).
  const mirror = await debianMirrorFromHost(process.env['REPOCLASH_APT_ROOT'] ?? '/');
  if (mirror === null) return [{ name: 'Debian archive', value: Number.NaN, unit: '', note: 'skipped: no Debian deb entry in this host\'s apt sources' }];
  await mkdir(cacheDir, { recursive: true });

  let gzFile: string;
  let xzFile: string;
  let plainFile: string;
  let plain: HashedFile;
  let fetched: string[] = [];
  try {
    const releaseUrl = `${mirror}/dists/${SUITE}/Release`;
    const release = parseRelease(await (await fetchOk(releaseUrl, 60_000)).text(), { file: releaseUrl });
    const entry = (p: string): HashedFile => {
      const e = release.sha256.get(p);
      if (e === undefined) throw new Error(`dists/${SUITE}/Release lists no ${p}`);
      return e;
    };
    plain = entry(INDEX);
    gzFile = path.join(cacheDir, `${SUITE}-main-amd64-Packages.gz`);
    xzFile = path.join(cacheDir, `${SUITE}-main-amd64-Packages.xz`);
    plainFile = path.join(cacheDir, `${SUITE}-main-amd64-Packages`);
    for (const [suffix, file] of [['.gz', gzFile], ['.xz', xzFile]] as const) {
      const { downloaded } = await cached(`${mirror}/dists/${SUITE}/${INDEX}${suffix}`, file, entry(INDEX + suffix));
      if (downloaded) fetched.push(suffix);
    }
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    const reason = (err instanceof Error ? err.message : String(err)) + cause;
    return [{ name: 'Debian archive', value: Number.NaN, unit: '', note: `skipped: mirror unreachable or its index unusable (${reason})` }];
  }

  // The uncompressed index, from the .gz, checked against the Release.
  const plainInfo = await stat(plainFile).catch(() => null);
  if (plainInfo === null || plainInfo.size !== plain.size || fetched.length > 0) {
    await pipeline(createReadStream(gzFile), createGunzip(), createWriteStream(`${plainFile}.part`));
    const got = await sha256OfFile(`${plainFile}.part`);
    if (got !== plain.hash) throw new Error(`decompressed ${INDEX} does not match the Release's sha256`);
    await rename(`${plainFile}.part`, plainFile);
  }
  const size = plain.size;
  const sizeNote = `${(size / MB).toFixed(1)} MB uncompressed${fetched.length ? `; downloaded ${fetched.join(', ')}` : '; cached'}`;
  const rows: BenchRow[] = [];

  const gz = await bestOf(3, () => timeDrain(createReadStream(gzFile).pipe(createGunzip())));
  const gzSize = (await stat(gzFile)).size;
  rows.push({ name: 'Packages.gz decompress (node:zlib)', value: gz.seconds, unit: 's', note: `${(gzSize / MB).toFixed(1)} MB → ${(gz.bytes / MB).toFixed(1)} MB, ${(gz.bytes / MB / gz.seconds).toFixed(0)} MB/s out` });
  const xz = await bestOf(3, () => timeDrain(xzStream(xzFile)));
  const xzSize = (await stat(xzFile)).size;
  rows.push({ name: 'Packages.xz decompress (xz -dc pipe)', value: xz.seconds, unit: 's', note: `${(xzSize / MB).toFixed(1)} MB → ${(xz.bytes / MB).toFixed(1)} MB, ${(xz.bytes / MB / xz.seconds).toFixed(0)} MB/s out` });
  if (gz.bytes !== size || xz.bytes !== size) throw new Error(`decompressed sizes ${gz.bytes}/${xz.bytes} differ from the Release's ${size}`);

  const read = await runChild('read', plainFile, 3);
  const ours = await runChild('repoclash', plainFile, 3);
  const naive = await runChild('naive', plainFile, 3);
  const tagfile = await runPythonChild<ChildResult>('tagfile-peer.py', [plainFile, '3']).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  const fromGz = await runChild('gunzip', gzFile, 2);
  // Wall time is what a user waits; CPU time is steadier when other work shares the 2 cores.
  const cpuNote = (r: ChildResult): string => `CPU ${r.cpuSeconds.toFixed(3)} s = ${(size / MB / r.cpuSeconds).toFixed(0)} MB/s`;
  const load = `load avg ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`;
  rows.push({ name: 'Packages read only (file stream floor)', value: size / MB / read.seconds, unit: 'MB/s', note: `peak RSS ${(read.maxRssBytes / MB).toFixed(0)} MB (node + tsx alone)` });
  rows.push({
    name: 'Packages parse (repoclash parsePackages)',
    value: size / MB / ours.seconds,
    unit: 'MB/s',
    note: `${ours.seconds.toFixed(3)} s wall, ${cpuNote(ours)}, ${ours.stanzas} stanzas, peak RSS ${(ours.maxRssBytes / MB).toFixed(0)} MB; ${tagfile instanceof Error ? '' : `${(ours.seconds / tagfile.seconds).toFixed(2)}× TagFile (target ≤ 2×); `}${sizeNote}; ${load}`,
  });
  rows.push(
    tagfile instanceof Error
      ? { name: 'Packages parse (peer: python3-apt TagFile)', value: Number.NaN, unit: '', note: `failed: ${tagfile.message}` }
      : {
          name: 'Packages parse (peer: python3-apt TagFile, same fields)',
          value: size / MB / tagfile.seconds,
          unit: 'MB/s',
          note: `${tagfile.seconds.toFixed(3)} s wall, ${cpuNote(tagfile)}, ${tagfile.stanzas} stanzas, peak RSS ${(tagfile.maxRssBytes / MB).toFixed(0)} MB; apt's C++ tag parser, best of 3 in one process`,
        },
  );
  rows.push({
    name: 'Packages parse (peer: naive split per chunk)',
    value: size / MB / naive.seconds,
    unit: 'MB/s',
    note: `${naive.seconds.toFixed(3)} s wall, ${cpuNote(naive)}, ${naive.stanzas} stanzas, peak RSS ${(naive.maxRssBytes / MB).toFixed(0)} MB`,
  });
  rows.push({
    name: 'Packages.gz gunzip + parse (streamed)',
    value: fromGz.seconds,
    unit: 's',
    note: `${fromGz.stanzas} stanzas, ${(size / MB / fromGz.seconds).toFixed(0)} MB/s of uncompressed text, ${cpuNote(fromGz).replace(/ = .*/, '')} (zlib runs off the main thread), peak RSS ${(fromGz.maxRssBytes / MB).toFixed(0)} MB`,
  });
  if (ours.stanzas !== naive.stanzas) rows.push({ name: 'WARNING stanza count differs', value: ours.stanzas - naive.stanzas, unit: 'stanzas', note: 'repoclash vs naive' });
  return rows;
}
