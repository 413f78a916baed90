/**
 * Differential tests: thousands of generated version pairs compared by our code and by the real
 * tools — python3-rpm's rpm.labelCompare / rpm.ver and rpm's own Lua rpm.vercmp for rpm;
 * python3-apt's apt_pkg.version_compare and dpkg itself for Debian. Each oracle runs once, over
 * the whole batch. Any disagreement fails the test and prints the pairs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareDebVersions, debVersionWarnings, parseDebVersion } from '../../src/formats/deb/version.js';
import { compareEvr, parseEvr, rpmvercmp } from '../../src/formats/rpm/version.js';
import {
  debJunkString,
  debVersionPair,
  rpmEvrPair,
  rpmVersionPair,
} from '../support/random-version-pairs.js';
import { seededRandom } from '../support/seeded-random.js';

const PYTHON = '/usr/bin/python3';
const PAIRS_PER_SCHEME = 6000;
const DPKG_PAIRS = 300;
const DPKG_JUNK = 200;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'repoclash-vercmp-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Run an oracle once with JSON on stdin and JSON on stdout. */
function runOracle<T>(command: string, args: string[], input: unknown): T {
  const result = spawnSync(command, args, { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

function unique<T>(pairs: Array<[T, T]>): Array<[T, T]> {
  const seen = new Set<string>();
  return pairs.filter((p) => {
    const key = JSON.stringify(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function generate(seed: number, count: number, make: (rng: () => number) => [string, string]): Array<[string, string]> {
  const rng = seededRandom(seed);
  const pairs: Array<[string, string]> = [];
  for (let k = 0; k < count; k++) pairs.push(make(rng));
  return unique(pairs);
}

/** Fail listing every disagreement (the first 50 in full), not just the first. */
function expectNoMismatches(label: string, mismatches: string[], total: number): void {
  if (mismatches.length > 0) {
    console.error(`${label}: ${mismatches.length} of ${total} disagree:\n${mismatches.slice(0, 50).join('\n')}`);
  }
  expect(mismatches, `${label}: ${mismatches.length} mismatches`).toEqual([]);
}

const sign = (n: number): number => Math.sign(n) || 0;
const show = (s: string): string => JSON.stringify(s);

describe('rpm versions against rpm 4.18', () => {
  const versionPairs = generate(20240501, PAIRS_PER_SCHEME, rpmVersionPair);
  const evrPairs = generate(20240502, PAIRS_PER_SCHEME, rpmEvrPair);

  it('generates enough varied pairs', () => {
    expect(versionPairs.length).toBeGreaterThanOrEqual(5000);
    expect(evrPairs.length).toBeGreaterThanOrEqual(5000);
    const all = versionPairs.flat().join(' ');
    for (const feature of ['~', '^', '_', '+', '00']) expect(all).toContain(feature);
    const results = versionPairs.map(([a, b]) => rpmvercmp(a, b));
    for (const r of [-1, 0, 1]) expect(results.filter((x) => x === r).length).toBeGreaterThan(300);
  });

  it('rpmvercmp and compareEvr/parseEvr agree with python3-rpm (labelCompare, rpm.ver)', () => {
    const script = `
import json, sys, rpm
data = json.load(sys.stdin)
def parse(s):
    v = rpm.ver(s)
    return [v.e, v.v, v.r]
out = {"vercmp": [rpm.labelCompare(("0", a, ""), ("0", b, "")) for a, b in data["versions"]], "evr": []}
for a, b in data["evrs"]:
    pa, pb = parse(a), parse(b)
    label = lambda p: (p[0] or "0", p[1], p[2] or "")
    out["evr"].append([pa, pb, rpm.labelCompare(label(pa), label(pb))])
json.dump(out, sys.stdout)
`;
    const oracle = runOracle<{ vercmp: number[]; evr: Array<[Array<string | null>, Array<string | null>, number]> }>(
      PYTHON,
      ['-c', script],
      { versions: versionPairs, evrs: evrPairs },
    );
    expect(oracle.vercmp).toHaveLength(versionPairs.length);
    expect(oracle.evr).toHaveLength(evrPairs.length);

    const mismatches: string[] = [];
    versionPairs.forEach(([a, b], k) => {
      const expected = sign(oracle.vercmp[k]!);
      const ours = rpmvercmp(a, b);
      const reversed = rpmvercmp(b, a);
      if (ours !== expected || reversed !== (-expected || 0)) {
        mismatches.push(`rpmvercmp(${show(a)}, ${show(b)}): ours ${ours} (reversed ${reversed}), rpm ${expected}`);
      }
    });
    evrPairs.forEach(([a, b], k) => {
      const [pa, pb, expected] = oracle.evr[k]!;
      const oursA = parseEvr(a);
      const oursB = parseEvr(b);
      for (const [text, ours, theirs] of [[a, oursA, pa], [b, oursB, pb]] as const) {
        const asRpm = [String(ours.epoch), ours.version, ours.release];
        const theirsNormalised = [String(Number(theirs[0] ?? '0')), theirs[1], theirs[2] ?? ''];
        if (JSON.stringify(asRpm) !== JSON.stringify(theirsNormalised)) {
          mismatches.push(`parseEvr(${show(text)}): ours ${JSON.stringify(ours)}, rpm.ver ${JSON.stringify(theirs)}`);
        }
      }
      const ours = compareEvr(oursA, oursB);
      if (ours !== sign(expected) || compareEvr(oursB, oursA) !== (-sign(expected) || 0)) {
        mismatches.push(`compareEvr(${show(a)}, ${show(b)}): ours ${ours}, labelCompare ${expected}`);
      }
    });
    expectNoMismatches('rpm', mismatches, versionPairs.length + evrPairs.length);
  });

  it("rpmvercmp agrees with rpm's own Lua rpm.vercmp", () => {
    const sample = versionPairs.filter((_, k) => k % 6 === 0);
    const file = path.join(scratch, 'rpm-pairs.tsv');
    writeFileSync(file, sample.map(([a, b]) => `${a}\t${b}`).join('\n') + '\n');
    const lua = path.join(scratch, 'vercmp.lua');
    writeFileSync(
      lua,
      'local out = {}\n' +
        'for line in io.lines(os.getenv("PAIRS")) do\n' +
        '  local a, b = line:match("^([^\\t]*)\\t(.*)$")\n' +
        '  out[#out + 1] = tostring(rpm.vercmp(a, b))\n' +
        'end\n' +
        'print(table.concat(out, "\\n"))\n',
    );
    const result = spawnSync('rpm', ['--eval', `%{lua: dofile(${JSON.stringify(lua)})}`], {
      env: { ...process.env, PAIRS: file },
      encoding: 'utf8',
      maxBuffer: 16 << 20,
    });
    expect(result.status, result.stderr).toBe(0);
    const answers = result.stdout.trim().split('\n').map(Number);
    expect(answers).toHaveLength(sample.length);
    const mismatches: string[] = [];
    sample.forEach(([a, b], k) => {
      if (rpmvercmp(a, b) !== answers[k]) mismatches.push(`${show(a)} vs ${show(b)}: ours ${rpmvercmp(a, b)}, rpm ${answers[k]}`);
    });
    expectNoMismatches('rpm.vercmp', mismatches, sample.length);
  });
});

describe('Debian versions against apt and dpkg', () => {
  const pairs = generate(20240503, PAIRS_PER_SCHEME, debVersionPair);

  it('generates enough varied, valid pairs', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(5000);
    const all = pairs.flat();
    for (const v of all) expect(debVersionWarnings(v), v).toEqual([]);
    const joined = all.join(' ');
    for (const feature of ['~', '+', ':', '-', '00']) expect(joined).toContain(feature);
    const results = pairs.map(([a, b]) => compareDebVersions(a, b));
    for (const r of [-1, 0, 1]) expect(results.filter((x) => x === r).length).toBeGreaterThan(300);
  });

  it('compareDebVersions agrees with python3-apt apt_pkg.version_compare', () => {
    const script = `
import json, sys, apt_pkg
apt_pkg.init()
json.dump([apt_pkg.version_compare(a, b) for a, b in json.load(sys.stdin)], sys.stdout)
`;
    const answers = runOracle<number[]>(PYTHON, ['-c', script], pairs);
    expect(answers).toHaveLength(pairs.length);
    const mismatches: string[] = [];
    pairs.forEach(([a, b], k) => {
      const expected = sign(answers[k]!);
      const ours = compareDebVersions(a, b);
      const reversed = compareDebVersions(b, a);
      if (ours !== expected || reversed !== (-expected || 0)) {
        mismatches.push(`${show(a)} vs ${show(b)}: ours ${ours} (reversed ${reversed}), apt ${expected}`);
      }
    });
    expectNoMismatches('apt', mismatches, pairs.length);
  });

  it('compareDebVersions and parseDebVersion agree with dpkg --compare-versions', () => {
    const sample = pairs.filter((_, k) => k % Math.floor(pairs.length / DPKG_PAIRS) === 0).slice(0, DPKG_PAIRS);
    const rng = seededRandom(20240504);
    const junk = Array.from({ length: DPKG_JUNK }, () => debJunkString(rng));
    // One Python process drives dpkg for every pair and every junk string.
    const script = `
import json, subprocess, sys
data = json.load(sys.stdin)
def dpkg(a, op, b):
    r = subprocess.run(["dpkg", "--compare-versions", a, op, b], capture_output=True, text=True)
    return r.returncode, r.stderr
order = []
for a, b in data["pairs"]:
    if dpkg(a, "lt", b)[0] == 0: order.append(-1)
    elif dpkg(a, "eq", b)[0] == 0: order.append(0)
    else: order.append(1)
# "0 eq X": X comes second so that a leading "-" is not taken for an option.
syntax = [list(dpkg("0", "eq", s)) for s in data["junk"]]
json.dump({"order": order, "syntax": syntax}, sys.stdout)
`;
    const oracle = runOracle<{ order: number[]; syntax: Array<[number, string]> }>(PYTHON, ['-c', script], {
      pairs: sample,
      junk,
    });
    const mismatches: string[] = [];
    sample.forEach(([a, b], k) => {
      if (compareDebVersions(a, b) !== oracle.order[k]) {
        mismatches.push(`${show(a)} vs ${show(b)}: ours ${compareDebVersions(a, b)}, dpkg ${oracle.order[k]}`);
      }
    });
    let rejected = 0;
    junk.forEach((text, k) => {
      const [rc, stderr] = oracle.syntax[k]!;
      let ours: string;
      if (text === '') {
        ours = ''; // dpkg --compare-versions reads '' as "no version"
      } else {
        try {
          parseDebVersion(text);
          ours = debVersionWarnings(text).map((w) => `dpkg: warning: ${w}\n`).join('');
        } catch (err) {
          ours = `dpkg: error: ${(err as Error).message}\n`;
        }
      }
      if (rc === 2) rejected++;
      if (ours !== stderr || (rc === 2) !== ours.startsWith('dpkg: error:')) {
        mismatches.push(`syntax ${show(text)}: ours ${show(ours)}, dpkg rc ${rc} ${show(stderr)}`);
      }
    });
    expect(rejected).toBeGreaterThan(20);
    expectNoMismatches('dpkg', mismatches, sample.length + junk.length);
  });
});
