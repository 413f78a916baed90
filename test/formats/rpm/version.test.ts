import { describe, expect, it } from 'vitest';
import { VersionSyntaxError } from '../../../src/errors.js';
import { compareEvr, formatEvr, parseEvr, parseNevra, rpmvercmp } from '../../../src/formats/rpm/version.js';
import { readOrderVectors } from '../../support/version-vectors.js';

const vectors = readOrderVectors('rpmvercmp.tsv');

describe('rpmvercmp: rpm 4.18 test-suite vectors', () => {
  it('has all 91 vectors', () => {
    expect(vectors).toHaveLength(91);
  });
  it.each(vectors)('line $line: $a vs $b → $expected (and reversed)', ({ a, b, expected }) => {
    expect(rpmvercmp(a, b)).toBe(expected);
    expect(rpmvercmp(b, a)).toBe(-expected || 0);
  });
});

describe('rpmvercmp: edge cases', () => {
  it.each([
    // tilde sorts before the end of the string, caret after it
    ['1.0~', '1.0', -1],
    ['1.0^', '1.0~', 1],
    ['1.0~~', '1.0~', -1],
    ['1.0^^', '1.0^', 1],
    // separators are all alike, and only their presence at the very end counts
    ['1.0', '1.0.', 0],
    ['1..0', '1.0', 0],
    ['1.0', '1.0_', 0],
    ['1.0a', '1.0.a', 0],
    // numbers: leading zeros vanish, longer wins, no overflow
    ['007', '7', 0],
    ['1.00010', '1.9', 1],
    ['123456789012345678901234567890', '123456789012345678901234567891', -1],
    // digits beat letters, letters compare by byte (uppercase first)
    ['1.0.1', '1.0a', 1],
    ['1.0A', '1.0a', -1],
    ['', '1', -1],
    ['', '', 0],
    // non-ASCII characters are separators
    ['1.0é1', '1.0.1', 0],
  ] as const)('%s vs %s → %d', (a, b, expected) => {
    expect(rpmvercmp(a, b)).toBe(expected);
    expect(rpmvercmp(b, a)).toBe(-expected || 0);
  });
});

describe('parseEvr', () => {
  it.each([
    ['1:2.0-3.fc39', { epoch: 1, version: '2.0', release: '3.fc39' }],
    ['2.0', { epoch: 0, version: '2.0', release: '' }],
    ['2.0-1', { epoch: 0, version: '2.0', release: '1' }],
    [':1.0', { epoch: 0, version: '1.0', release: '' }],
    ['01:1', { epoch: 1, version: '1', release: '' }],
    ['abc:1.0', { epoch: 0, version: 'abc:1.0', release: '' }],
    ['1.0-1-2', { epoch: 0, version: '1.0-1', release: '2' }],
    ['1:', { epoch: 1, version: '', release: '' }],
    ['-1', { epoch: 0, version: '', release: '1' }],
  ])('%s', (text, expected) => {
    expect(parseEvr(text)).toEqual(expected);
  });
  it('rejects an empty string and an epoch beyond exact integers', () => {
    expect(() => parseEvr('')).toThrow(VersionSyntaxError);
    expect(() => parseEvr('99999999999999999999:1')).toThrow(/epoch is too big/);
  });
  it('passes a location to the error', () => {
    try {
      parseEvr('', { repo: 'fedora', file: 'primary.xml', line: 3 });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(VersionSyntaxError);
      expect((err as VersionSyntaxError).describe()).toBe(
        "repo fedora: primary.xml:3: invalid rpm version '': version string is empty",
      );
    }
  });
});

describe('compareEvr (rpm.labelCompare semantics)', () => {
  const cmp = (a: string, b: string) => compareEvr(parseEvr(a), parseEvr(b));
  it.each([
    ['1:9.0.0', '10.4.2', 1],
    ['10.4.1-1', '10.4.1-1.fc39', -1],
    ['1.0-1.el9', '1.0-1.el9_2', -1],
    ['0:1.0-1', '1.0-1', 0],
    // an empty release is an ordinary (lowest) string, not a wildcard
    ['1.0', '1.0-1', -1],
    ['1.0', '1.0-', 0],
    ['2:1', '10:0', -1],
    ['1.0~rc1-5', '1.0-1', -1],
  ] as const)('%s vs %s → %d', (a, b, expected) => {
    expect(cmp(a, b)).toBe(expected);
    expect(cmp(b, a)).toBe(-expected || 0);
  });
});

describe('formatEvr', () => {
  it('hides a zero epoch unless asked, and an empty release always', () => {
    expect(formatEvr({ epoch: 0, version: '1.0', release: '1' })).toBe('1.0-1');
    expect(formatEvr({ epoch: 0, version: '1.0', release: '1' }, { showZeroEpoch: true })).toBe('0:1.0-1');
    expect(formatEvr({ epoch: 2, version: '1.0', release: '' })).toBe('2:1.0');
  });
  it('round-trips through parseEvr', () => {
    for (const text of ['3:4.5-6.el9', '1.2.3', '1.0~rc1-0.1.fc40', '7:1^git2-2']) {
      expect(formatEvr(parseEvr(text))).toBe(text);
    }
  });
});

describe('parseNevra', () => {
  it.each([
    ['bash-5.2.26-3.fc40.x86_64', { name: 'bash', epoch: 0, version: '5.2.26', release: '3.fc40', arch: 'x86_64' }],
    ['bash-5.2.26-3.fc40.x86_64.rpm', { name: 'bash', epoch: 0, version: '5.2.26', release: '3.fc40', arch: 'x86_64' }],
    ['bash-5.2.26-3.fc40.src.rpm', { name: 'bash', epoch: 0, version: '5.2.26', release: '3.fc40', arch: 'src' }],
    ['grafana-1:9.0.0-1.fc40.noarch', { name: 'grafana', epoch: 1, version: '9.0.0', release: '1.fc40', arch: 'noarch' }],
    ['2:vim-enhanced-9.1.0-1.fc40.x86_64', { name: 'vim-enhanced', epoch: 2, version: '9.1.0', release: '1.fc40', arch: 'x86_64' }],
    ['389-ds-base-2.4.5-1.el9.x86_64', { name: '389-ds-base', epoch: 0, version: '2.4.5', release: '1.el9', arch: 'x86_64' }],
    ['python3.11-libs-3.11.9-1.module+el8.10.0+123.x86_64', {
      name: 'python3.11-libs', epoch: 0, version: '3.11.9', release: '1.module+el8.10.0+123', arch: 'x86_64',
    }],
  ])('%s', (text, expected) => {
    expect(parseNevra(text)).toEqual(expected);
  });
  it.each(['bash', 'bash-5.2.x86_64', 'bash-5.2-1', '-5.2-1.x86_64', 'bash-5.2-.x86_64', 'bash--1.x86_64', '1:bash-1:5.2-1.x86_64'])(
    'rejects %s',
    (text) => {
      expect(() => parseNevra(text)).toThrow(VersionSyntaxError);
    },
  );
});
