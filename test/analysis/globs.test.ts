import { describe, expect, it } from 'vitest';
import { aptExpressionMatches, aptPackagePatternMatches, dnfSubjectQuery, fnmatch, isGlobPattern, type NevraFields } from '../../src/analysis/globs.js';

describe('fnmatch (flags 0 / FNM_CASEFOLD)', () => {
  it.each([
    ['*', '', true],
    ['*', 'anything/with/slashes', true],
    ['post*', 'postgresql15-server', true],
    ['post*', 'xpostgresql', false],
    ['*-devel', 'foo-devel', true],
    ['*-devel', 'foo-devel-x', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['[a-c]x', 'bx', true],
    ['[a-c]x', 'dx', false],
    ['[!a-c]x', 'dx', true],
    ['[^a-c]x', 'ax', false],
    ['[]]', ']', true],
    ['a\\*', 'a*', true],
    ['a\\*', 'ab', false],
    ['[abc', '[abc', true],
    ['*a*b*c*', 'xxaxxbxxcxx', true],
    ['*a*b*c*', 'xxaxxcxxbxx', false],
    ['.*', '.hidden', true],
  ])('%s vs %s → %s', (pattern, text, want) => {
    expect(fnmatch(pattern, text)).toBe(want);
  });

  it('folds case only when asked', () => {
    expect(fnmatch('Grafana*', 'grafana-enterprise')).toBe(false);
    expect(fnmatch('Grafana*', 'grafana-enterprise', { caseFold: true })).toBe(true);
  });

  it('knows what a glob is (libdnf: *, ?, [)', () => {
    expect(['a*', 'a?', 'a[b]'].map(isGlobPattern)).toEqual([true, true, true]);
    expect(isGlobPattern('a.b-c+d')).toBe(false);
  });
});

const p = (name: string, version: string, release = '1', arch = 'noarch', epoch = 0): NevraFields => ({ name, epoch, version, release, arch });

describe('dnfSubjectQuery (libdnf NEVRA forms, first reading that matches anything)', () => {
  const sack = [p('foo', '1.0'), p('foo', '2.0'), p('foo', '2.0', '1', 'x86_64'), p('foo-devel', '2.0'), p('bar', '3.0', '2', 'noarch', 1), p('python3.11', '3.11.4')];
  const names = (pattern: string, from = sack) => dnfSubjectQuery(pattern, from).map((x) => `${x.name}-${x.version}.${x.arch}`);

  it('reads a plain name or a name glob as names', () => {
    expect(names('foo')).toEqual(['foo-1.0.noarch', 'foo-2.0.noarch', 'foo-2.0.x86_64']);
    expect(names('foo*')).toEqual(['foo-1.0.noarch', 'foo-2.0.noarch', 'foo-2.0.x86_64', 'foo-devel-2.0.noarch']);
  });

  it('reads name.arch, name-version, name-version-release and full NEVRA', () => {
    expect(names('foo.x86_64')).toEqual(['foo-2.0.x86_64']);
    expect(names('foo-1*')).toEqual(['foo-1.0.noarch']);
    expect(names('foo-2.0-1')).toEqual(['foo-2.0.noarch', 'foo-2.0.x86_64']);
    expect(names('foo-2.0-1.noarch')).toEqual(['foo-2.0.noarch']);
    // A dotted name is a name when no package has the "arch" after the dot.
    expect(names('python3.11')).toEqual(['python3.11-3.11.4.noarch']);
  });

  it('compares versions with rpmvercmp and honours an explicit epoch', () => {
    expect(names('foo-2.00')).toEqual(['foo-2.0.noarch', 'foo-2.0.x86_64']);
    expect(names('bar-1:3.0')).toEqual(['bar-3.0.noarch']);
    expect(names('bar-2:3.0')).toEqual([]);
  });

  it('lets a name reading win whenever any package has that name', () => {
    const withOddName = [...sack, p('foo-1x', '9')];
    expect(names('foo-1*', withOddName)).toEqual(['foo-1x-9.noarch']);
  });

  it('falls back to a glob over the whole NEVRA string', () => {
    expect(names('foo-2*.noarch')).toEqual(['foo-2.0.noarch']);
    expect(names('nothing-like-it')).toEqual([]);
    expect(names('foo >= 1')).toEqual([]);
  });
});

describe('apt expressions and package patterns', () => {
  it('matches /regex/ case-insensitively and globs with case folding', () => {
    expect(aptExpressionMatches('/^Deb/', 'debian')).toBe(true);
    expect(aptExpressionMatches('/^deb$/', 'debian')).toBe(false);
    expect(aptExpressionMatches('Book*', 'bookworm-backports')).toBe(true);
    expect(aptExpressionMatches('stable', null)).toBe(false);
    expect(aptExpressionMatches('/([/', 'x')).toBe(false);
  });

  it('matches names exactly, globs, regexes, src: and :arch', () => {
    const pkg = { name: 'libfoo1', arch: 'amd64', sourceName: 'foo' };
    expect(aptPackagePatternMatches({ kind: 'any' }, pkg, 'amd64')).toBe(true);
    expect(aptPackagePatternMatches({ kind: 'name', name: 'libfoo1', source: false }, pkg, 'amd64')).toBe(true);
    expect(aptPackagePatternMatches({ kind: 'name', name: 'libfoo', source: false }, pkg, 'amd64')).toBe(false);
    expect(aptPackagePatternMatches({ kind: 'name', name: 'libfoo1:i386', source: false }, pkg, 'amd64')).toBe(false);
    expect(aptPackagePatternMatches({ kind: 'name', name: 'libfoo1:amd64', source: false }, pkg, 'amd64')).toBe(true);
    expect(aptPackagePatternMatches({ kind: 'glob', pattern: 'lib*', source: false }, pkg, 'amd64')).toBe(true);
    expect(aptPackagePatternMatches({ kind: 'regex', pattern: 'foo[0-9]$', source: false }, pkg, 'amd64')).toBe(true);
    expect(aptPackagePatternMatches({ kind: 'name', name: 'foo', source: true }, pkg, 'amd64')).toBe(true);
    expect(aptPackagePatternMatches({ kind: 'name', name: 'libfoo1', source: true }, pkg, 'amd64')).toBe(false);
    // Without :arch only the native package (and arch all, which lives there); :any every arch.
    const foreign = { ...pkg, arch: 'i386' };
    const all = { ...pkg, arch: 'all' };
    expect(aptPackagePatternMatches({ kind: 'name', name: 'libfoo1', source: false }, foreign, 'amd64')).toBe(false);
    expect(aptPackagePatternMatches({ kind: 'glob', pattern: 'lib*', source: false }, foreign, 'amd64')).toBe(false);
    expect(aptPackagePatternMatches({ kind: 'glob', pattern: 'lib*:i386', source: false }, foreign, 'amd64')).toBe(true);
    expect(aptPackagePatternMatches({ kind: 'name', name: 'libfoo1:any', source: false }, foreign, 'amd64')).toBe(true);
    expect(aptPackagePatternMatches({ kind: 'name', name: '/^libfoo/:i386', source: false }, foreign, 'amd64')).toBe(true);
    expect(aptPackagePatternMatches({ kind: 'name', name: 'libfoo1:i386', source: false }, all, 'amd64')).toBe(false);
    expect(aptPackagePatternMatches({ kind: 'name', name: 'libfoo1:amd64', source: false }, all, 'amd64')).toBe(true);
  });
});
