/**
 * Child process of primary.bench.ts: parses one primary.xml in one way and prints a JSON result,
 * so each parser's peak RSS is its own. Usage: primary-child.ts MODE FILE [RUNS]
 *   repoclash       parsePrimaryBatches() over a file stream of the uncompressed FILE
 *   repoclash-gz    the same over node:zlib gunzip of FILE (a .gz)
 *   repoclash-zst   the same over `zstd -dc FILE` (node 20's zlib has no zstd)
 *   saxes           saxes (namespace-aware) over the uncompressed FILE, counting packages
 *   xml2js          xml2js on the whole document read into one string (what naive code does)
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { SaxesParser } from 'saxes';
import { parseStringPromise } from 'xml2js';
import { parsePrimaryBatches } from '../src/formats/rpm/primary.js';

export interface PrimaryChildResult {
  mode: string;
  /** Best of the runs, wall-clock seconds. */
  seconds: number;
  /** CPU seconds (user + system) of that run: steadier than wall time on a busy machine. */
  cpuSeconds: number;
  packages: number;
  /** Peak resident set size of this process, bytes. */
  maxRssBytes: number;
}

const [mode = 'repoclash', file = '', runsText = '1'] = process.argv.slice(2);
// Default 64 KiB reads: bigger chunks only make the read buffers and batches bigger.
const fileStream = (): AsyncIterable<Uint8Array> => createReadStream(file);

function zstdStream(): AsyncIterable<Uint8Array> {
  const child = spawn('zstd', ['-dc', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`zstd -dc exited with ${code}`))));
  });
  return (async function* () {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    await exited;
  })();
}

async function repoclash(source: AsyncIterable<Uint8Array>): Promise<number> {
  let count = 0;
  for await (const batch of parsePrimaryBatches(source, { file })) count += batch.length;
  return count;
}

async function saxes(): Promise<number> {
  const parser = new SaxesParser({ xmlns: true });
  let count = 0;
  parser.on('opentag', (tag) => {
    if (tag.local === 'package') count++;
  });
  parser.on('error', (err) => {
    throw err;
  });
  const decoder = new TextDecoder();
  for await (const chunk of fileStream()) parser.write(decoder.decode(chunk, { stream: true }));
  parser.write(decoder.decode());
  parser.close();
  return count;
}

async function xml2js(): Promise<number> {
  const doc = (await parseStringPromise(await readFile(file, 'utf8'))) as { metadata: { package?: unknown[] } };
  return doc.metadata.package?.length ?? 0;
}

function run(): Promise<number> {
  switch (mode) {
    case 'repoclash':
      return repoclash(fileStream());
    case 'repoclash-gz':
      return repoclash(createReadStream(file).pipe(createGunzip()));
    case 'repoclash-zst':
      return repoclash(zstdStream());
    case 'saxes':
      return saxes();
    case 'xml2js':
      return xml2js();
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

let best: { seconds: number; cpuSeconds: number; packages: number } | null = null;
for (let i = 0; i < Number(runsText); i++) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const packages = await run();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  if (best === null || seconds < best.seconds) best = { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, packages };
}
const result: PrimaryChildResult = { mode, ...best!, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
process.stdout.write(`${JSON.stringify(result)}\n`);
