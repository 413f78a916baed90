/**
 * Child process of debian.bench.ts: parses one Packages file in one way and prints a JSON result,
 * so each parser's peak RSS is its own. Usage: debian-parse-child.ts MODE FILE [RUNS]
 *   repoclash   parsePackages() over a file stream
 *   batches     parsePackageBatches() over a file stream (one await per chunk, not per record)
 *   gunzip      parsePackages() over a gunzip stream of FILE (a .gz)
 *   naive       the peer: split('\n') per chunk, every field of every stanza into an object
 *   read        only read the file (the I/O floor)
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { parsePackageBatches, parsePackages } from '../src/formats/deb/packages.js';

export interface ChildResult {
  mode: string;
  /** Best of the runs, wall-clock seconds. */
  seconds: number;
  /** CPU seconds (user + system) of that run: steadier than wall time on a busy machine. */
  cpuSeconds: number;
  stanzas: number;
  /** Peak resident set size of this process, bytes. */
  maxRssBytes: number;
}

const [mode = 'repoclash', file = '', runsText = '3'] = process.argv.slice(2);
// 1 MiB reads: fewer round trips through the thread pool than the 64 KiB default.
const stream = (): ReadStream => createReadStream(file, { highWaterMark: 1 << 20 });

async function naive(): Promise<number> {
  // What a first attempt looks like: decode each chunk, split into lines, build a record per stanza.
  const decoder = new TextDecoder();
  let rest = '';
  let count = 0;
  let record: Record<string, string> = {};
  let last = '';
  let fields = 0;
  const take = (line: string): void => {
    if (line === '') {
      if (fields > 0) count++;
      record = {};
      fields = 0;
    } else if (line.startsWith(' ')) {
      record[last] += '\n' + line;
    } else {
      const colon = line.indexOf(':');
      last = line.slice(0, colon);
      record[last] = line.slice(colon + 1).trim();
      fields++;
    }
  };
  for await (const chunk of stream()) {
    const lines = (rest + decoder.decode(chunk as Buffer, { stream: true })).split('\n');
    rest = lines.pop()!;
    for (const line of lines) take(line);
  }
  take(rest + decoder.decode());
  take('');
  return count;
}

async function once(): Promise<number> {
  switch (mode) {
    case 'repoclash': {
      let n = 0;
      for await (const p of parsePackages(stream(), { file })) if (p.package !== '') n++;
      return n;
    }
    case 'batches': {
      let n = 0;
      for await (const batch of parsePackageBatches(stream(), { file })) n += batch.length;
      return n;
    }
    case 'gunzip': {
      let n = 0;
      for await (const p of parsePackages(stream().pipe(createGunzip()), { file })) if (p.package !== '') n++;
      return n;
    }
    case 'naive':
      return naive();
    case 'read': {
      let bytes = 0;
      for await (const chunk of stream()) bytes += (chunk as Buffer).length;
      return bytes > 0 ? 0 : -1;
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

let best = Infinity;
let bestCpu = Infinity;
let stanzas = 0;
for (let i = 0; i < Number(runsText); i++) {
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  stanzas = await once();
  const cpu = process.cpuUsage(cpu0);
  best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1e6);
}
const result: ChildResult = { mode, seconds: best, cpuSeconds: bestCpu, stanzas, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
process.stdout.write(JSON.stringify(result) + '\n');
