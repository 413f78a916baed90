/**
 * The version sort keys (src/formats/sort-key.ts) order exactly as the comparison functions do:
 * for every pair drawn from the reference vectors and for thousands of seeded generated versions,
 * sign(key a vs key b) === compareEvr / rpmvercmp / compareDebVersions / verrevcmp — equal keys
 * exactly for equal versions. The comparison functions are themselves checked against rpm and dpkg
 * (version-differential.test.ts), so the keys inherit that.
 */
import { describe, expect, it } from 'vitest';
import { compareDebVersions, parseDebVersionForComparison, verrevcmp, type DebVersion } from '../../src/formats/deb/version.js';
import { compareEvr, parseEvr, rpmvercmp, type Evr } from '../../src/formats/rpm/version.js';
import { debSortKey, debStringKey, rpmSortKey, rpmStringKey } from '../../src/formats/sort-key.js';
import { debJunkString, debVersionPair, rpmEvrPair, rpmVersionPair } from '../support/random-version-pairs.js';
import { seededRandom } from '../support/seeded-random.js';
import { readOrderVectors } from '../support/version-vectors.js';

type Order = -1 | 0 | 1;
const keyOrder = (a: string, b: string): Order => (a < b ? -1 : a > b ? 1 : 0);

interface Mismatch {
  a: string;
  b: string;
  expected: Order;
  keys: [string, string];
}

/** Every ordered pair of `items` whose key order differs from `compare` (capped, for a readable failure). */
function mismatchesAmong<T>(items: readonly T[], key: (v: T) => string, compare: (a: T, b: T) => Order, show: (v: T) => string): Mismatch[] {
  const keys = items.map(key);
  const out: Mismatch[] = [];
  for (let i = 0; i < items.length && out.length < 20; i++) {
    for (let j = 0; j < items.length && out.length < 20; j++) {
      const expected = compare(items[i]!, items[j]!);
      if (keyOrder(keys[i]!, keys[j]!) !== expected) out.push({ a: show(items[i]!), b: show(items[j]!), expected, keys: [keys[i]!, keys[j]!] });
    }
  }
  return out;
}

/** The listed pairs only (both directions). */
function pairMismatches<T>(pairs: ReadonlyArray<[T, T]>, key: (v: T) => string, compare: (a: T, b: T) => Order, show: (v: T) => string): Mismatch[] {
  const out: Mismatch[] = [];
  for (const [a, b] of pairs) {
    for (const [x, y] of [[a, b], [b, a]] as const) {
      const expected = compare(x, y);
      const kx = key(x);
      const ky = key(y);
      if (keyOrder(kx, ky) !== expected && out.length < 20) out.push({ a: show(x), b: show(y), expected, keys: [kx, ky] });
    }
  }
  return out;
}

const distinct = (values: Iterable<string>): string[] => [...new Set(values)];
const evrText = (v: Evr): string => `${v.epoch}:${v.version}-${v.release}`;
const debText = (v: DebVersion): string => `${v.epoch}:${v.upstream}-${v.revision}`;
const rpmParts = (v: Evr) => ({ epoch: v.epoch, version: v.version, release: v.release });
const debParts = (v: DebVersion) => ({ epoch: v.epoch, version: v.upstream, release: v.revision });

/** Strings with every character class rpmvercmp treats apart: letters, digits, ~, ^, separators, non-ASCII. */
function rpmJunkString(rng: () => number): string {
  const alphabet = ['0', '1', '9', '00', '10', 'a', 'Z', 'rc', '.', '_', '+', '~', '^', '-', 'é', '€', ' ', '%'];
  let text = '';
  const length = Math.floor(rng() * 8);
  for (let k = 0; k < length; k++) text += alphabet[Math.floor(rng() * alphabet.length)]!;
  return text;
}

describe('rpm sort key', () => {
  const vectors = readOrderVectors('rpmvercmp.tsv');

  it('orders every pair of strings from rpm\'s own rpmvercmp vectors as rpmvercmp does', () => {
    const strings = distinct(vectors.flatMap((v) => [v.a, v.b]));
    expect(strings.length).toBeGreaterThan(50);
    expect(mismatchesAmong(strings, rpmStringKey, rpmvercmp, (s) => s)).toEqual([]);
    // And the vectors' own verdicts through the keys.
    for (const v of vectors) expect([v.a, v.b, keyOrder(rpmStringKey(v.a), rpmStringKey(v.b))]).toEqual([v.a, v.b, v.expected]);
  });

  it('orders generated EVRs (epochs, empty and missing releases) as labelCompare does', () => {
    const rng = seededRandom(0x5017);
    const pairs: Array<[Evr, Evr]> = [];
    for (let k = 0; k < 6000; k++) {
      const [a, b] = rpmEvrPair(rng);
      pairs.push([parseEvr(a), parseEvr(b)]);
    }
    expect(pairMismatches(pairs, (v) => rpmSortKey(rpmParts(v)), compareEvr, evrText)).toEqual([]);
    // Every pair among a few hundred of them, not only the generated neighbours.
    expect(mismatchesAmong(pairs.slice(0, 300).flat(), (v) => rpmSortKey(rpmParts(v)), compareEvr, evrText)).toEqual([]);
  });

  it('orders generated and odd version strings (non-ASCII, ~, ^, separators only) as rpmvercmp does', () => {
    const rng = seededRandom(0x5018);
    const pairs: Array<[string, string]> = [];
    for (let k = 0; k < 6000; k++) pairs.push(k % 2 === 0 ? rpmVersionPair(rng) : [rpmJunkString(rng), rpmJunkString(rng)]);
    expect(pairMismatches(pairs, rpmStringKey, rpmvercmp, (s) => s)).toEqual([]);
    expect(mismatchesAmong(distinct(pairs.slice(0, 400).flat()), rpmStringKey, rpmvercmp, (s) => s)).toEqual([]);
  });
});

describe('deb sort key', () => {
  const vectors = readOrderVectors('dpkg.tsv');

  it('orders every pair of versions from the dpkg vectors as dpkg does', () => {
    const versions = distinct(vectors.flatMap((v) => [v.a, v.b])).map((t) => parseDebVersionForComparison(t));
    expect(versions.length).toBeGreaterThan(100);
    expect(mismatchesAmong(versions, (v) => debSortKey(debParts(v)), compareDebVersions, debText)).toEqual([]);
    for (const v of vectors) {
      const [a, b] = [v.a, v.b].map((t) => debSortKey(debParts(parseDebVersionForComparison(t))));
      expect([v.a, v.b, keyOrder(a!, b!)]).toEqual([v.a, v.b, v.expected]);
    }
  });

  it('puts the blank "no version" before every real one, even 0 and ~', () => {
    const blank = debSortKey({ epoch: 0, version: '', release: '' });
    for (const v of ['0', '~', '0~', '~~-~']) expect(blank < debSortKey(debParts(parseDebVersionForComparison(v)))).toBe(true);
  });

  it('orders generated versions as compareDebVersions does', () => {
    const rng = seededRandom(0xdeb5);
    const pairs: Array<[DebVersion, DebVersion]> = [];
    for (let k = 0; k < 6000; k++) {
      const [a, b] = debVersionPair(rng);
      pairs.push([parseDebVersionForComparison(a), parseDebVersionForComparison(b)]);
    }
    expect(pairMismatches(pairs, (v) => debSortKey(debParts(v)), compareDebVersions, debText)).toEqual([]);
    expect(mismatchesAmong(pairs.slice(0, 300).flat(), (v) => debSortKey(debParts(v)), compareDebVersions, debText)).toEqual([]);
  });

  it('orders odd strings (blanks, colons, non-ASCII, empty runs, leading zeros) as verrevcmp does', () => {
    const rng = seededRandom(0xdeb6);
    const strings = distinct(Array.from({ length: 3000 }, () => debJunkString(rng)).concat(['', '0', '00', '~', '0~', 'a', '0a', '1.', '1.0', '1a0', '1a']));
    const pairs = strings.map((s, k): [string, string] => [s, strings[(k * 7919) % strings.length]!]);
    expect(pairMismatches(pairs, debStringKey, verrevcmp, (s) => JSON.stringify(s))).toEqual([]);
    expect(mismatchesAmong(strings.slice(0, 500), debStringKey, verrevcmp, (s) => JSON.stringify(s))).toEqual([]);
  });
});
