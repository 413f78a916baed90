/**
 * `npm run bench`: runs every benchmark module (or those named on the command line) and prints one
 * table. Benchmarks are not tests: they measure and report, they do not pass or fail.
 */
import os from 'node:os';
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import type { Bench, BenchRow } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const modules = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
process.stdout.write(
  `repoclash bench — ${new Date().toISOString()} — ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}\n\n`,
);

const rows: Array<BenchRow & { module: string }> = [];
for (const file of modules) {
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { default: Bench };
  process.stderr.write(`running ${file} …\n`);
  try {
    for (const row of await mod.default()) rows.push({ ...row, module: file.replace('.bench.ts', '') });
  } catch (err) {
    rows.push({ module: file, name: 'FAILED', value: Number.NaN, unit: '', note: err instanceof Error ? err.message : String(err) });
  }
}

const header = ['bench', 'measurement', 'value', 'unit', 'note'];
const table = rows.map((r) => [
  r.module,
  r.name,
  Number.isFinite(r.value) ? (Math.abs(r.value) >= 100 ? r.value.toFixed(0) : r.value.toFixed(2)) : '-',
  r.unit,
  r.note ?? '',
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
process.stdout.write(line(header) + '\n' + line(widths.map((w) => '-'.repeat(w))) + '\n');
for (const row of table) process.stdout.write(line(row) + '\n');
