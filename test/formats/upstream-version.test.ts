import { describe, expect, it } from 'vitest';
import { VersionSyntaxError } from '../../src/errors.js';
import { classifyGap, compareUpstream } from '../../src/formats/upstream-version.js';
import type { PackageFormat } from '../../src/formats/types.js';
import { versionScheme } from '../../src/formats/version-scheme.js';

const upstreamOf = (format: PackageFormat, version: string): string => versionScheme(format).upstream(version);

describe('upstreamOf rpm', () => {
  it.each([
    ['6.1.6-1.fc29', '6.1.6'],
    ['1:9.0.0-1.fc40', '9.0.0'],
    ['2.4.57-5.el9_2', '2.4.57'],
    ['3.11.9-1.module+el8.10.0+21825+ec3a5c4b', '3.11.9'],
    ['1.0~rc1-0.1.fc40', '1.0~rc1'],
    ['0^20240101git1a2b3c4-1.fc40', '0^20240101git1a2b3c4'],
    ['10.4.2', '10.4.2'],
  ])('%s → %s', (version, upstream) => {
    expect(upstreamOf('rpm', version)).toBe(upstream);
  });
});

describe('upstreamOf deb', () => {
  it.each([
    ['1:2.3.4+dfsg-1', '2.3.4'],
    ['1.2.3+dfsg1-2~bpo12+1', '1.2.3'],
    ['3.1.2.dfsg.1-1', '3.1.2'],
    ['1.2~dfsg-1', '1.2'],
    ['1.9.2+ds-1+b2', '1.9.2'],
    ['1.2+repack-1', '1.2'],
    ['2.1+repack2+dfsg-3', '2.1'],
    ['4.17.21+dfsg+~cs8.31.198.20210220-9', '4.17.21'],
    ['2.0+really1.9-1', '1.9'],
    ['2.36.1-8+deb12u1', '2.36.1'],
    ['7.88.1-10+deb12u5', '7.88.1'],
    ['5.2.15-2ubuntu1', '5.2.15'],
    // native packages: the distro suffixes are in the upstream part
    ['2023.3+deb12u1', '2023.3'],
    ['1.0+b1', '1.0'],
    ['3.2~deb11u1', '3.2'],
    ['0.5+nmu1', '0.5'],
    ['2.1~bpo11+1', '2.1'],
    // upstream's own pre-release and snapshot marks stay
    ['3.0.0~beta2-1', '3.0.0~beta2'],
    ['1.2.3+git20230101.abcdef-1', '1.2.3+git20230101.abcdef'],
    ['0.9.8zh-1', '0.9.8zh'],
    // a mark must be a whole token
    ['1.0+dsfoo-1', '1.0+dsfoo'],
    ['1.0+b1.x-1', '1.0+b1.x'],
  ])('%s → %s', (version, upstream) => {
    expect(upstreamOf('deb', version)).toBe(upstream);
  });
  it('rejects what dpkg rejects', () => {
    expect(() => upstreamOf('deb', '1.0-')).toThrow(VersionSyntaxError);
    expect(() => upstreamOf('rpm', '')).toThrow(VersionSyntaxError);
  });
});

describe('compareUpstream', () => {
  it('orders upstream versions across schemes', () => {
    expect(compareUpstream(upstreamOf('deb', '1.8.0+dfsg-1'), upstreamOf('rpm', '2.3.1-1.fc40'))).toBe(-1);
    expect(compareUpstream(upstreamOf('deb', '1:10.4.2+ds-1'), upstreamOf('rpm', '10.4.2-1.fc40'))).toBe(0);
    expect(compareUpstream('1.0~rc1', '1.0')).toBe(-1);
    expect(compareUpstream('1.0^git1', '1.0')).toBe(1);
    expect(compareUpstream('1_2_3', '1.2.3')).toBe(0);
    expect(compareUpstream('1.10', '1.9')).toBe(1);
  });
  it('sorts a list of releases', () => {
    const shuffled = ['2.0', '1.0~rc1', '1.10', '1.0', '1.9.1', '1.0^snap1', '1.9'];
    expect([...shuffled].sort(compareUpstream)).toEqual(['1.0~rc1', '1.0', '1.0^snap1', '1.9', '1.9.1', '1.10', '2.0']);
  });
});

describe('classifyGap', () => {
  it.each([
    ['1.8.0', '2.3.1', 'major'],
    ['6.1.6', '6.2.1', 'minor'],
    ['6.1.6', '6.1.7', 'patch'],
    ['1.2.3', '1.2.3', 'none'],
    ['1.2', '1_2', 'none'],
    ['1.2.3.4', '1.2.3.5', 'patch'],
    ['1.0~rc1', '1.0', 'patch'],
    ['2024a', '2024b', 'patch'],
    ['v1.2', 'v2.0', 'major'],
    ['1.2', '1.10', 'minor'],
    ['foo', '1.0', 'unknown'],
    ['1.0', 'latest', 'unknown'],
    ['999999999999999999.1', '1.0', 'unknown'],
  ] as const)('%s → %s: %s', (older, newer, gap) => {
    expect(classifyGap(older, newer)).toBe(gap);
    expect(classifyGap(newer, older)).toBe(gap);
  });
  it('classifies the Prometheus lag from research (Fedora 1.8.0 vs upstream 2.0)', () => {
    expect(classifyGap(upstreamOf('rpm', '1.8.0-4.fc28'), '2.0.0')).toBe('major');
  });
});
