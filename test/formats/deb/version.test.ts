import { describe, expect, it } from 'vitest';
import { VersionSyntaxError } from '../../../src/errors.js';
import {
  compareDebVersions,
  debVersionWarnings,
  formatDebVersion,
  parseDebVersion,
  parseDebVersionForComparison,
  verrevcmp,
} from '../../../src/formats/deb/version.js';
import { readDpkgSyntaxVectors, readOrderVectors } from '../../support/version-vectors.js';

const orderVectors = readOrderVectors('dpkg.tsv');
const syntaxVectors = readDpkgSyntaxVectors();

describe('compareDebVersions: dpkg and apt test-suite vectors', () => {
  it('has all 128 vectors', () => {
    expect(orderVectors).toHaveLength(128);
  });
  it.each(orderVectors)('line $line: $a vs $b → $expected (and reversed)', ({ a, b, expected }) => {
    expect(compareDebVersions(a, b)).toBe(expected);
    expect(compareDebVersions(b, a)).toBe(-expected || 0);
  });
});

describe('parseDebVersion: what dpkg rejects, accepts and warns about (dpkg_invalid.tsv)', () => {
  it('has all 67 rows', () => {
    expect(syntaxVectors).toHaveLength(67);
  });

  const rejected = syntaxVectors.filter((v) => v.rc === 2);
  const warned = syntaxVectors.filter((v) => v.rc === 0 && v.stderr.startsWith('dpkg: warning: '));
  const silent = syntaxVectors.filter((v) => v.rc === 0 && v.stderr === '');
  it('classifies every row', () => {
    expect(rejected.length + warned.length + silent.length).toBe(syntaxVectors.length);
    expect(rejected.length).toBeGreaterThan(0);
    expect(warned.length).toBeGreaterThan(0);
  });

  it.each(rejected)('line $line: rejects $version with dpkg\'s message', ({ version, stderr }) => {
    let caught: unknown;
    try {
      parseDebVersion(version);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(VersionSyntaxError);
    expect(`dpkg: error: ${(caught as Error).message}`).toBe(stderr);
    expect(() => compareDebVersions(version, version)).toThrow(VersionSyntaxError);
    expect(debVersionWarnings(version)).toEqual([]);
  });

  it.each(warned)('line $line: accepts $version with dpkg\'s warning', ({ version, stderr }) => {
    const parsed = parseDebVersion(version);
    expect(compareDebVersions(parsed, parsed)).toBe(0);
    expect(compareDebVersions(version, version)).toBe(0);
    expect(debVersionWarnings(version).map((w) => `dpkg: warning: ${w}`)).toEqual([stderr]);
  });

  it.each(silent)('line $line: accepts $version silently as dpkg --compare-versions does', ({ version }) => {
    expect(compareDebVersions(version, version)).toBe(0);
    expect(debVersionWarnings(version)).toEqual([]);
  });
});

describe('parseDebVersion', () => {
  it.each([
    ['1.0-1', { epoch: 0, upstream: '1.0', revision: '1' }],
    ['2:1.18.36:5.4-20', { epoch: 2, upstream: '1.18.36:5.4', revision: '20' }],
    ['1.2-3-4', { epoch: 0, upstream: '1.2-3', revision: '4' }],
    ['  1.0  ', { epoch: 0, upstream: '1.0', revision: '' }],
    ['\t00:1', { epoch: 0, upstream: '1', revision: '' }],
    ['+1:1', { epoch: 1, upstream: '1', revision: '' }],
    ['-0:1', { epoch: 0, upstream: '1', revision: '' }],
    ['2147483647:1', { epoch: 2147483647, upstream: '1', revision: '' }],
  ])('%j', (text, expected) => {
    expect(parseDebVersion(text)).toEqual(expected);
  });
  it.each([
    ['2147483648:1', 'epoch in version is too big'],
    ['-99999999999999999999:1', 'epoch in version is negative'],
    ['0: ', 'version number is empty'],
    ['1.0-1:2', 'epoch in version is not number'],
    ['-', 'revision number is empty'],
    ['+:1', 'epoch in version is empty'],
  ])('%j: %s', (text, reason) => {
    expect(() => parseDebVersion(text)).toThrow(`version '${text}' has bad syntax: ${reason}`);
  });
  it('carries the location it is given', () => {
    try {
      parseDebVersion('1.0-', { repo: 'bookworm', file: 'main/binary-amd64/Packages', line: 7 });
      expect.unreachable();
    } catch (err) {
      expect((err as VersionSyntaxError).describe()).toBe(
        "repo bookworm: main/binary-amd64/Packages:7: version '1.0-' has bad syntax: revision number is empty",
      );
    }
  });
});

describe('compareDebVersions and verrevcmp', () => {
  it.each([
    ['1.0~rc1', '1.0', -1],
    ['1.0', '1.0+b1', -1],
    ['1.0+b1', '1.0.1', -1],
    ['1.2-3+b2', '1.2-3+deb12u1', -1],
    ['1.0', '1.0-0', 0],
    ['', '0', -1],
    ['', '0:0', -1],
    ['<unknown>', '', 0],
    ['1.0a', '1.0+', -1],
    ['1.0é', '1.0+', -1],
    ['1.0é', '1.0z', 1],
    ['99999999999999999999999', '99999999999999999999998', 1],
  ] as const)('%j vs %j → %d', (a, b, expected) => {
    expect(compareDebVersions(a, b)).toBe(expected);
    expect(compareDebVersions(b, a)).toBe(-expected || 0);
  });
  it('verrevcmp orders ~ before the end and letters before other punctuation', () => {
    expect(verrevcmp('a~', 'a')).toBe(-1);
    expect(verrevcmp('a', 'a.')).toBe(-1);
    expect(verrevcmp('aZ', 'a.')).toBe(-1);
    expect(verrevcmp('001', '1')).toBe(0);
  });
  it('blank versions only through the comparison entry point', () => {
    expect(parseDebVersionForComparison('')).toEqual({ epoch: 0, upstream: '', revision: '' });
    expect(() => parseDebVersion('')).toThrow("version '' has bad syntax: version string is empty");
  });
});

describe('formatDebVersion', () => {
  it('writes the epoch only when non-zero and round-trips', () => {
    expect(formatDebVersion({ epoch: 0, upstream: '1.0', revision: '' })).toBe('1.0');
    for (const text of ['1:2.3-4', '2.3-4+b1', '1.0~rc1', '3:1.2-3-4']) {
      expect(formatDebVersion(parseDebVersion(text))).toBe(text);
    }
  });
});
