/**
 * The version-scheme API (src/formats/version-scheme.ts) as one surface: per format, compare on
 * parsed parts, compareText on the texts (vercmp's contract) and the order of sortKey all say the
 * same thing — against dpkg's reference vectors and seeded generated rpm EVRs — and upstream / gap
 * take a package version apart as the lag and upgrade-path checks expect.
 */
import { describe, expect, it } from 'vitest';
import type { Order, PackageFormat } from '../../src/formats/types.js';
import { versionScheme } from '../../src/formats/version-scheme.js';
import { debVersionPair, rpmEvrPair } from '../support/random-version-pairs.js';
import { seededRandom } from '../support/seeded-random.js';
import { readOrderVectors } from '../support/version-vectors.js';

const keyOrder = (a: string, b: string): Order => (a < b ? -1 : a > b ? 1 : 0);

/** The pairs where compare, compareText and the sort keys do not all give `expected`. */
function disagreements(format: PackageFormat, pairs: ReadonlyArray<{ a: string; b: string; expected: Order }>): string[] {
  const scheme = versionScheme(format);
  const out: string[] = [];
  for (const { a, b, expected } of pairs) {
    const pa = scheme.parse(a);
    const pb = scheme.parse(b);
    const got = { compare: scheme.compare(pa, pb), compareText: scheme.compareText(a, b).order, sortKey: keyOrder(scheme.sortKey(pa), scheme.sortKey(pb)) };
    if (got.compare !== expected || got.compareText !== expected || got.sortKey !== expected) out.push(`${a} vs ${b}: expected ${expected}, got ${JSON.stringify(got)}`);
  }
  return out;
}

describe('versionScheme', () => {
  it('is the scheme of the format asked for', () => {
    expect(versionScheme('rpm').format).toBe('rpm');
    expect(versionScheme('deb').format).toBe('deb');
  });

  it('deb: compare, compareText and sortKey agree with dpkg on its reference vectors', () => {
    const vectors = readOrderVectors('dpkg.tsv').filter((v) => v.a.trim() !== '' && v.b.trim() !== '');
    expect(vectors.length).toBeGreaterThan(100);
    expect(disagreements('deb', vectors)).toEqual([]);
  });

  it('rpm and deb: compare, compareText and sortKey agree on seeded generated versions', () => {
    const random = seededRandom(13);
    for (const [format, pair] of [['rpm', rpmEvrPair], ['deb', debVersionPair]] as const) {
      const pairs = Array.from({ length: 2000 }, () => {
        const [a, b] = pair(random);
        return { a, b, expected: versionScheme(format).compareText(a, b).order };
      });
      expect(disagreements(format, pairs)).toEqual([]);
    }
  });

  it('parse gives the parts the store keeps', () => {
    expect(versionScheme('rpm').parse('1:2.3-4.fc40')).toEqual({ epoch: 1, version: '2.3', release: '4.fc40' });
    expect(versionScheme('deb').parse('1:2.3+dfsg-4')).toEqual({ epoch: 1, version: '2.3+dfsg', release: '4' });
  });

  it('gap: the upstream gap between two package versions, null when one does not parse', () => {
    expect(versionScheme('rpm').gap('1.8.0-4.fc28', '2.0.0-1.fc30')).toBe('major');
    expect(versionScheme('deb').gap('1:6.1.6+dfsg-1', '6.2.1-1~bpo12+1')).toBe('minor');
    expect(versionScheme('deb').gap('2.36.1-8', '2.36.1-8+deb12u1')).toBe('none');
    expect(versionScheme('deb').gap('1.0-', '2.0-1')).toBeNull();
    expect(versionScheme('rpm').gap('', '2.0-1')).toBeNull();
  });
});
