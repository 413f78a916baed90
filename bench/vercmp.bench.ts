/**
 * `repoclash vercmp --batch` over 100k generated pairs per scheme: once in process (the compare
 * loop alone) and once through the real CLI (node + tsx start-up, stdin, stdout). The same input
 * through python3-rpm's labelCompare and python3-apt's version_compare is the peer row.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PackageFormat } from '../src/formats/types.js';
import { runVercmpBatch } from '../src/cli/vercmp.js';
import { debVersionPair, rpmEvrPair } from '../test/support/random-version-pairs.js';
import { seededRandom } from '../test/support/seeded-random.js';
import type { BenchRow } from './types.js';

const LINES = 100_000;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const PEERS: Record<PackageFormat, string> = {
  rpm: `
import sys, rpm
def evr(s):
    v = rpm.ver(s)
    return (v.e or "0", v.v, v.r or "")
out = []
for line in sys.stdin:
    a, b = line.rstrip("\\n").split("\\t", 1)
    out.append(str(rpm.labelCompare(evr(a), evr(b))))
sys.stdout.write("\\n".join(out) + "\\n")
`,
  deb: `
import sys, apt_pkg
apt_pkg.init()
out = []
for line in sys.stdin:
    a, b = line.rstrip("\\n").split("\\t", 1)
    r = apt_pkg.version_compare(a, b)
    out.append(str((r > 0) - (r < 0)))
sys.stdout.write("\\n".join(out) + "\\n")
`,
};

function input(scheme: PackageFormat): string {
  const rng = seededRandom(scheme === 'rpm' ? 1 : 2);
  const make = scheme === 'rpm' ? rpmEvrPair : debVersionPair;
  const lines: string[] = [];
  for (let k = 0; k < LINES; k++) lines.push(make(rng).join('\t'));
  return lines.join('\n') + '\n';
}

function timed<T>(work: () => T): [T, number] {
  const started = performance.now();
  const result = work();
  return [result, (performance.now() - started) / 1000];
}

export default async function bench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const scheme of ['rpm', 'deb'] as const) {
    const text = input(scheme);
    const note = `${LINES.toLocaleString('en')} lines, ${(text.length / 1e6).toFixed(1)} MB`;

    const [inProcess, inSeconds] = timed(() => runVercmpBatch(scheme, text));
    if (inProcess.failed) throw new Error(`${scheme}: generated input has bad lines:\n${inProcess.stderr.slice(0, 500)}`);
    rows.push({ name: `${scheme} batch, in process`, value: LINES / inSeconds, unit: 'lines/s', note: `${note}; ${inSeconds.toFixed(3)} s` });

    const [cli, cliSeconds] = timed(() =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'vercmp', '--scheme', scheme, '--batch'], {
        cwd: repoRoot,
        input: text,
        encoding: 'utf8',
        maxBuffer: 256 << 20,
      }),
    );
    if (cli.status !== 0) throw new Error(`${scheme}: CLI exited ${cli.status}: ${cli.stderr.slice(0, 500)}`);
    rows.push({ name: `${scheme} batch, CLI (node+tsx)`, value: cliSeconds, unit: 's', note: `${note}; ${(LINES / cliSeconds).toFixed(0)} lines/s incl. start-up` });

    const [peer, peerSeconds] = timed(() =>
      spawnSync('/usr/bin/python3', ['-c', PEERS[scheme]], { input: text, encoding: 'utf8', maxBuffer: 256 << 20 }),
    );
    const peerName = scheme === 'rpm' ? 'python3-rpm labelCompare' : 'python3-apt version_compare';
    if (peer.status === 0) {
      const agree = peer.stdout === cli.stdout ? 'same answers' : 'ANSWERS DIFFER';
      rows.push({ name: `${scheme} peer: ${peerName}`, value: peerSeconds, unit: 's', note: `${note}; ${agree}` });
    } else {
      rows.push({ name: `${scheme} peer: ${peerName}`, value: Number.NaN, unit: 's', note: `failed: ${peer.stderr.slice(0, 200)}` });
    }
  }
  return rows;
}
