/**
 * The primary.xml benchmark: a generated 70,000-package, createrepo_c-shaped document (see
 * gen-primary.ts) parsed by repoclash (plain, .gz through node:zlib, .zst through the zstd binary)
 * and by the peers saxes and xml2js, each in its own child process so peak RSS is its own.
 * Goals (from the issue): ≥ 200 MB/s of uncompressed bytes, ≤ 150 MB peak RSS.
 */
import os from 'node:os';
import { ensurePrimary } from './gen-primary.js';
import type { PrimaryChildResult } from './primary-child.js';
import { runBenchChild } from './child.js';
import { timeProcess } from './process.js';
import type { BenchRow } from './types.js';

const MB = 1e6;

function runChild(mode: string, file: string, runs: number, nodeArgs: string[] = []): Promise<PrimaryChildResult> {
  return runBenchChild<PrimaryChildResult>('primary-child.ts', [mode, file, String(runs)], nodeArgs);
}

function rows(label: string, result: PrimaryChildResult, bytes: number, goal: string): BenchRow[] {
  const size = `${(bytes / MB).toFixed(0)} MB, ${result.packages} packages`;
  return [
    { name: `${label}: throughput`, value: bytes / MB / result.seconds, unit: 'MB/s', note: `${size}; ${goal}` },
    { name: `${label}: throughput per CPU second`, value: bytes / MB / result.cpuSeconds, unit: 'MB/s', note: 'steadier on a busy machine' },
    { name: `${label}: peak RSS`, value: result.maxRssBytes / MB, unit: 'MB', note: 'whole child process' },
  ];
}

export default async function primaryBench(): Promise<BenchRow[]> {
  const data = await ensurePrimary();
  // Wall-clock MB/s means little on a busy machine; say how busy it was.
  const out: BenchRow[] = [
    { name: 'machine load (1-minute average) at start', value: os.loadavg()[0]!, unit: '', note: `${os.cpus().length} CPUs; peers run under the same load` },
  ];
  const measure = async (label: string, mode: string, file: string, runs: number, goal: string, nodeArgs: string[] = []): Promise<void> => {
    try {
      const result = await runChild(mode, file, runs, nodeArgs);
      if (result.packages !== data.packages) throw new Error(`${mode} counted ${result.packages} packages, expected ${data.packages}`);
      out.push(...rows(label, result, data.bytes, goal));
    } catch (err) {
      out.push({ name: label, value: Number.NaN, unit: '', note: `failed: ${err instanceof Error ? err.message : String(err)}` });
    }
  };
  // libsolv's rpmmd2solv (what dnf's own stack parses primary.xml with): the whole process, stdin
  // from the same file, its .solv output discarded.
  const solv = await timeProcess('rpmmd2solv', [], { stdinFile: data.xml }).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  const versusSolv = solv instanceof Error || solv.code !== 0 ? '' : `; target ≤ 0.5× rpmmd2solv (${solv.seconds.toFixed(2)} s)`;
  await measure('repoclash parsePrimary, .xml', 'repoclash', data.xml, 3, `goal ≥ 200 MB/s, ≤ 150 MB RSS${versusSolv}`);
  const ours = out.find((r) => r.name === 'repoclash parsePrimary, .xml: throughput');
  if (solv instanceof Error || solv.code !== 0) {
    out.push({ name: 'rpmmd2solv (peer)', value: Number.NaN, unit: '', note: `failed: ${solv instanceof Error ? solv.message : `exit ${solv.code}: ${solv.stderr.trim()}`}` });
  } else {
    const oursSeconds = ours && Number.isFinite(ours.value) ? data.bytes / MB / ours.value : Number.NaN;
    out.push({
      name: 'rpmmd2solv (peer, libsolv-tools), .xml',
      value: solv.seconds,
      unit: 's',
      note: `whole process, peak RSS ${(solv.maxRssBytes / MB).toFixed(0)} MB; repoclash parsePrimary takes ${(oursSeconds / solv.seconds).toFixed(2)}× its time (target ≤ 0.5×)`,
    });
  }
  await measure('repoclash parsePrimary, .gz (incl. gunzip)', 'repoclash-gz', data.gz, 2, 'node:zlib gunzip streamed');
  if (data.zst !== null) await measure('repoclash parsePrimary, .zst (zstd -dc pipe)', 'repoclash-zst', data.zst, 2, 'zstd binary');
  await measure('saxes (peer)', 'saxes', data.xml, 1, 'research: ~75 MB/s');
  await measure('xml2js whole document (peer)', 'xml2js', data.xml, 1, 'research: ~11 MB/s, 1.5 GB RSS', ['--max-old-space-size=4096']);
  return out;
}
