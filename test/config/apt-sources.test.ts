import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  binaryEntries,
  isDebianSuite,
  loadAptSources,
  parseSourcesDeb822,
  parseSourcesList,
} from '../../src/config/apt-sources.js';
import { debianMirrorFromHost, debianMirrors } from '../../src/config/debian-archive.js';
import { ConfigError } from '../../src/errors.js';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** A fake filesystem root with the given files (paths relative to it). */
function makeRoot(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'repoclash-apt-'));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const KEY_BLOCK = `Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 mDMEZfakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake
 =AbCd
 -----END PGP PUBLIC KEY BLOCK-----`;

describe('parseSourcesList (one-line format)', () => {
  it('reads types, options, URIs, suites and components with file:line', () => {
    const text = [
      '# a comment',
      '',
      'deb http://mirror.example.invalid/debian bookworm main contrib',
      'deb-src http://mirror.example.invalid/debian bookworm main',
      'deb [arch=amd64,i386 signed-by=/etc/apt/keyrings/x.gpg trusted=yes check-valid-until=no] https://x.example.invalid/apt stable main # trailing comment',
      'deb [ arch=arm64 ] http://y.example.invalid/repo ./',
      'deb http://z.example.invalid/repo subdir/',
    ].join('\n');
    const entries = parseSourcesList(text, '/etc/apt/sources.list');
    expect(entries).toHaveLength(5);
    expect(entries[0]).toMatchObject({
      type: 'deb',
      uri: 'http://mirror.example.invalid/debian',
      suite: 'bookworm',
      components: ['main', 'contrib'],
      flat: false,
      enabled: true,
      architectures: null,
      signedBy: null,
      trusted: null,
      checkValidUntil: null,
      file: '/etc/apt/sources.list',
      line: 3,
    });
    expect(entries[1]).toMatchObject({ type: 'deb-src', line: 4 });
    expect(entries[2]).toMatchObject({
      uri: 'https://x.example.invalid/apt',
      suite: 'stable',
      components: ['main'],
      architectures: ['amd64', 'i386'],
      signedBy: { kind: 'keyring', paths: ['/etc/apt/keyrings/x.gpg'], fingerprints: [] },
      trusted: true,
      checkValidUntil: false,
      line: 5,
    });
    expect(entries[2]!.options).toMatchObject({ architectures: 'amd64,i386', trusted: 'yes', 'check-valid-until': 'no' });
    expect(entries[3]).toMatchObject({ suite: './', components: [], flat: true, architectures: ['arm64'], line: 6 });
    expect(entries[4]).toMatchObject({ suite: 'subdir/', flat: true, line: 7 });
    expect(binaryEntries(entries).map((e) => e.line)).toEqual([3, 5, 6, 7]);
  });

  it('refuses malformed lines with a ConfigError at file:line', () => {
    const bad: Array<[string, RegExp]> = [
      ['deb http://x.example.invalid/debian', /URI and a suite/],
      ['rpm http://x.example.invalid/ bookworm main', /unknown source type/],
      ['deb [arch=amd64 http://x.example.invalid/ bookworm main', /not closed/],
      ['deb [arch] http://x.example.invalid/ bookworm main', /malformed option/],
      ['deb http://x.example.invalid/ bookworm', /needs at least one component/],
      ['deb http://x.example.invalid/ ./ main', /takes no components/],
      ['deb not-a-uri bookworm main', /not a URI/],
      ['deb [trusted=perhaps] http://x.example.invalid/ bookworm main', /yes or no/],
      ['deb [signed-by=relative.gpg] http://x.example.invalid/ bookworm main', /neither an absolute keyring path/],
    ];
    for (const [line, message] of bad) {
      let caught: unknown;
      try {
        parseSourcesList(`# ok\n${line}\n`, 'f.list');
      } catch (err) {
        caught = err;
      }
      expect(caught, line).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).message, line).toMatch(message);
      expect((caught as ConfigError).describe(), line).toMatch(/^f\.list:2: /);
    }
  });
});

describe('parseSourcesDeb822 (.sources)', () => {
  it('expands Types × URIs × Suites and reads options, inline keys and Enabled', () => {
    const text = [
      '# Debian',
      'Types: deb deb-src',
      'URIs: http://a.example.invalid/debian http://b.example.invalid/debian',
      'Suites: bookworm bookworm-updates',
      'Components: main non-free-firmware',
      'Architectures: amd64',
      'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
      'Check-Valid-Until: no',
      'X-Repolib-Name: debian',
      '',
      'Types: deb',
      'URIs: https://c.example.invalid/repo',
      'Suites: ./',
      'Trusted: yes',
      KEY_BLOCK,
      '',
      'Enabled: no',
      'Types: deb',
      'URIs: https://d.example.invalid/repo',
      'Suites: stable',
      'Components: main',
      'Signed-By: 0123456789ABCDEF0123456789ABCDEF01234567! /etc/apt/keyrings/d.gpg',
    ].join('\n');
    const entries = parseSourcesDeb822(text, '/etc/apt/sources.list.d/x.sources');
    expect(entries).toHaveLength(2 * 2 * 2 + 1 + 1);
    expect(entries.slice(0, 8).map((e) => `${e.type} ${e.uri} ${e.suite}`)).toEqual([
      'deb http://a.example.invalid/debian bookworm',
      'deb http://a.example.invalid/debian bookworm-updates',
      'deb http://b.example.invalid/debian bookworm',
      'deb http://b.example.invalid/debian bookworm-updates',
      'deb-src http://a.example.invalid/debian bookworm',
      'deb-src http://a.example.invalid/debian bookworm-updates',
      'deb-src http://b.example.invalid/debian bookworm',
      'deb-src http://b.example.invalid/debian bookworm-updates',
    ]);
    expect(entries[0]).toMatchObject({
      components: ['main', 'non-free-firmware'],
      architectures: ['amd64'],
      signedBy: { kind: 'keyring', paths: ['/usr/share/keyrings/debian-archive-keyring.gpg'], fingerprints: [] },
      checkValidUntil: false,
      enabled: true,
      line: 2,
    });
    expect(entries[0]!.options['x-repolib-name']).toBe('debian');
    const flat = entries[8]!;
    expect(flat).toMatchObject({ flat: true, suite: './', components: [], trusted: true, line: 11 });
    expect(flat.signedBy).toEqual({
      kind: 'inline',
      armored: '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZfakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake\n=AbCd\n-----END PGP PUBLIC KEY BLOCK-----\n',
    });
    const disabled = entries[9]!;
    expect(disabled).toMatchObject({ enabled: false, line: 22 });
    expect(disabled.signedBy).toEqual({ kind: 'keyring', paths: ['/etc/apt/keyrings/d.gpg'], fingerprints: ['0123456789ABCDEF0123456789ABCDEF01234567!'] });
    expect(binaryEntries(entries)).toHaveLength(5);
  });

  it('refuses incomplete stanzas with file:line', () => {
    const cases: Array<[string, RegExp, number]> = [
      ['Types: deb\nURIs: http://x.example.invalid/\nComponents: main\n', /no Suites/, 1],
      ['Types: deb\nSuites: stable\nComponents: main\n', /no URIs/, 1],
      ['\n\nURIs: http://x.example.invalid/\nSuites: stable\nComponents: main\n', /no Types/, 3],
      ['Types: deb\nURIs: http://x.example.invalid/\nSuites: stable\n', /needs at least one component/, 1],
      ['Types: deb\nURIs: http://x.example.invalid/\nSuites: stable\nComponents: main\nEnabled: sometimes\n', /yes or no/, 5],
      ['Types: deb\nthis is not a field\n', /neither "Field: value"/, 2],
      ['Types: deb\nURIs: http://x.example.invalid/\nSuites: stable\nComponents: main\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n abc\n', /no END line/, 1],
    ];
    for (const [text, message, line] of cases) {
      let caught: unknown;
      try {
        parseSourcesDeb822(text, 'y.sources');
      } catch (err) {
        caught = err;
      }
      expect(caught, text).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).message, text).toMatch(message);
      expect((caught as ConfigError).line, text).toBe(line);
      expect((caught as ConfigError).file, text).toBe('y.sources');
    }
  });
});

describe('loadAptSources', () => {
  it('reads sources.list and sources.list.d/*.list|*.sources in name order, ignoring other files', async () => {
    const root = makeRoot({
      'etc/apt/sources.list': 'deb http://main.example.invalid/debian trixie main\n',
      'etc/apt/sources.list.d/b.sources': 'Types: deb\nURIs: http://b.example.invalid/debian\nSuites: sid\nComponents: main\n',
      'etc/apt/sources.list.d/a.list': '\n\ndeb http://a.example.invalid/debian stable main\n',
      'etc/apt/sources.list.d/c.list.disabled': 'deb http://c.example.invalid/debian stable main\n',
      'etc/apt/sources.list.d/d.list.save': 'garbage that would not parse\n',
      'etc/apt/sources.list.d/bad~name.list': 'garbage that would not parse\n',
    });
    const entries = await loadAptSources(root);
    expect(entries.map((e) => [e.uri, path.relative(root, e.file), e.line])).toEqual([
      ['http://main.example.invalid/debian', 'etc/apt/sources.list', 1],
      ['http://a.example.invalid/debian', 'etc/apt/sources.list.d/a.list', 3],
      ['http://b.example.invalid/debian', 'etc/apt/sources.list.d/b.sources', 1],
    ]);
  });

  it('returns nothing for a root without apt, and passes ConfigErrors through with the file', async () => {
    expect(await loadAptSources(makeRoot({ 'etc/hostname': 'x\n' }))).toEqual([]);
    const root = makeRoot({ 'etc/apt/sources.list.d/broken.list': 'deb http://x.example.invalid/\n' });
    await expect(loadAptSources(root)).rejects.toMatchObject({ kind: 'config', line: 1, file: path.join(root, 'etc/apt/sources.list.d/broken.list') });
  });

  it('finds the Debian archive: first enabled deb entry with a Debian suite, main archive before security', async () => {
    const root = makeRoot({
      'etc/apt/sources.list.d/0-vendor.list': 'deb https://vendor.example.invalid/apt nodistro main\n',
      'etc/apt/sources.list.d/1-security.sources':
        'Types: deb\nURIs: http://sec.example.invalid/debian-security\nSuites: bookworm-security\nComponents: main\n',
      'etc/apt/sources.list.d/2-off.sources': 'Enabled: no\nTypes: deb\nURIs: http://off.example.invalid/debian\nSuites: bookworm\nComponents: main\n',
      'etc/apt/sources.list.d/3-src.list': 'deb-src http://src.example.invalid/debian bookworm main\n',
      'etc/apt/sources.list.d/4-debian.sources': 'Types: deb\nURIs: http://deb.example.invalid/debian/\nSuites: bookworm bookworm-updates\nComponents: main\n',
    });
    expect(await debianMirrorFromHost(root)).toBe('http://deb.example.invalid/debian');
    const onlySecurity = makeRoot({
      'etc/apt/sources.list': 'deb http://sec.example.invalid/debian-security bookworm-security main\n',
    });
    expect(await debianMirrorFromHost(onlySecurity)).toBe('http://sec.example.invalid/debian-security');
    expect(await debianMirrorFromHost(makeRoot({ 'etc/apt/sources.list': 'deb https://vendor.example.invalid/apt nodistro main\n' }))).toBeNull();
  });

  it("never takes a vendor's `stable` / `bookworm` suite or a file: source for the Debian archive", async () => {
    const root = makeRoot({
      'etc/apt/sources.list':
        'deb file:/srv/local stable main\n' +
        'deb https://apt.vendor.example.invalid stable main\n' +
        'deb https://download.vendor.example.invalid/linux/debian-ish bookworm stable\n',
    });
    expect(await debianMirrors(root)).toEqual({});
    expect(await debianMirrorFromHost(root)).toBeNull();
  });

  it("trusts the Origin of apt's cached Release over the path: a mirror under any path, never a vendor under /debian", async () => {
    const root = makeRoot({
      'etc/apt/sources.list': 'deb http://vendor.example.invalid/debian stable main\ndeb http://mirror.example.invalid/pub/os bookworm main\n',
      'var/lib/apt/lists/vendor.example.invalid_debian_dists_stable_InRelease': '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nOrigin: Vendor Inc\nSuite: stable\n',
      'var/lib/apt/lists/mirror.example.invalid_pub_os_dists_bookworm_Release': 'Origin: Debian\nLabel: Debian\nSuite: stable\n',
    });
    expect(await debianMirrors(root)).toEqual({ main: 'http://mirror.example.invalid/pub/os' });
  });

  it('knows Debian suite names', () => {
    for (const s of ['sid', 'bookworm', 'trixie-backports', 'stable-updates', 'bookworm-security', 'experimental', 'oldstable-proposed-updates']) {
      expect(isDebianSuite(s), s).toBe(true);
    }
    for (const s of ['jammy', 'nodistro', 'stable-main', './', 'focal-updates']) expect(isDebianSuite(s), s).toBe(false);
  });

  it("parses this machine's real apt configuration", async () => {
    const entries = await loadAptSources('/');
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) {
      expect(e.file.startsWith('/etc/apt/')).toBe(true);
      expect(e.line).toBeGreaterThan(0);
      expect(e.uri).toMatch(/^[a-z][a-z0-9+.-]*:/i);
    }
    const mirror = await debianMirrorFromHost('/');
    expect(mirror === null || entries.some((e) => e.uri.replace(/\/+$/, '') === mirror)).toBe(true);
  });
});
