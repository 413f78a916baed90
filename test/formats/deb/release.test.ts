import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError, SignatureError } from '../../../src/errors.js';
import { parseStanzasText } from '../../../src/formats/deb/deb822.js';
import {
  isExpired,
  packagesIndexPath,
  releaseListsFile,
  parseRelease,
  parseReleaseDate,
  releaseComponentFor,
  splitClearsigned,
} from '../../../src/formats/deb/release.js';

const SHA = (c: string): string => c.repeat(64);

/** Shaped like the archive's sid Release (trimmed). */
const SID_RELEASE = `Origin: Debian
Label: Debian
Suite: unstable
Codename: sid
Changelogs: https://metadata.example.org/changelogs/@CHANGEPATH@_changelog
Date: Fri, 30 Oct 2026 08:08:01 UTC
Valid-Until: Fri, 06 Nov 2026 08:08:01 UTC
NotAutomatic: no
Acquire-By-Hash: yes
No-Support-for-Architecture-all: Packages
Architectures: all amd64 arm64 armhf i386
Components: main contrib non-free-firmware non-free
Description: Debian x.y Unstable - Not Released
MD5Sum:
 aa223f141f9400733a6826838eb59163 64988655 main/binary-amd64/Packages
 ccda16d4daa70d18df9a260584ad2504 15001303 main/binary-amd64/Packages.gz
SHA256:
 ${SHA('a')} 64988655 main/binary-amd64/Packages
 ${SHA('b')} 15001303 main/binary-amd64/Packages.gz
 ${SHA('c')} 10824484 main/binary-amd64/Packages.xz
 ${SHA('d')}      123 contrib/binary-amd64/Release
`;

/** Shaped like a security suite's Release: components named updates/*, files under main/. */
const SECURITY_RELEASE = `Origin: Debian
Label: Debian-Security
Suite: oldstable-security
Version: 12
Codename: bookworm-security
Date: Wed, 18 Nov 2026 22:17:41 UTC
Valid-Until: Wed, 25 Nov 2026 22:17:41 UTC
Acquire-By-Hash: yes
Architectures: amd64 arm64
Components: updates/main updates/contrib updates/non-free-firmware updates/non-free
Description: Debian 12 - Security Updates
SHA256:
 ${SHA('e')}  1234567 main/binary-amd64/Packages
 ${SHA('f')}   234567 main/binary-amd64/Packages.xz
`;

describe('parseRelease', () => {
  it('reads the fields and hash lists of a suite Release', () => {
    const r = parseRelease(SID_RELEASE, { file: 'dists/sid/Release' });
    expect(r).toMatchObject({
      origin: 'Debian',
      label: 'Debian',
      suite: 'unstable',
      codename: 'sid',
      version: null,
      notAutomatic: false,
      butAutomaticUpgrades: false,
      acquireByHash: true,
      noSupportForArchitectureAll: ['Packages'],
      architectures: ['all', 'amd64', 'arm64', 'armhf', 'i386'],
      components: ['main', 'contrib', 'non-free-firmware', 'non-free'],
      description: 'Debian x.y Unstable - Not Released',
    });
    expect(r.date?.toISOString()).toBe('2026-10-30T08:08:01.000Z');
    expect(r.validUntil?.toISOString()).toBe('2026-11-06T08:08:01.000Z');
    expect(r.sha256.size).toBe(4);
    expect(r.sha256.get('main/binary-amd64/Packages.xz')).toEqual({ hash: SHA('c'), size: 10824484 });
    expect(r.sha256.get('contrib/binary-amd64/Release')).toEqual({ hash: SHA('d'), size: 123 });
    expect(r.md5.get('main/binary-amd64/Packages.gz')).toEqual({ hash: 'ccda16d4daa70d18df9a260584ad2504', size: 15001303 });
    expect(r.sha1.size).toBe(0);
    expect(r.sha512.size).toBe(0);
  });

  it('reads NotAutomatic / ButAutomaticUpgrades (experimental, backports)', () => {
    const r = parseRelease('Suite: experimental\nNotAutomatic: yes\nButAutomaticUpgrades: yes\n');
    expect(r.notAutomatic).toBe(true);
    expect(r.butAutomaticUpgrades).toBe(true);
    expect(r.acquireByHash).toBe(false);
    expect(r.validUntil).toBeNull();
    expect(r.noSupportForArchitectureAll).toEqual([]);
  });

  it('tells whether the Release has expired', () => {
    const r = parseRelease(SID_RELEASE);
    expect(isExpired(r, new Date('2026-11-06T08:08:00Z'))).toBe(false);
    expect(isExpired(r, new Date('2026-11-06T08:08:02Z'))).toBe(true);
    expect(isExpired(parseRelease('Suite: x\n'), new Date('2999-01-01T00:00:00Z'))).toBe(false);
  });

  it('names a component\'s index by the component as written, and says which files the Release lists', () => {
    const sec = parseRelease(SECURITY_RELEASE);
    expect(releaseComponentFor(sec, 'main')).toBe('updates/main');
    expect(releaseComponentFor(sec, 'universe')).toBeNull();
    // apt 2.6 requests updates/main/binary-amd64/… for `updates/main` (test/crawl/deb-index-selection.test.ts).
    expect(packagesIndexPath('updates/main', 'amd64')).toBe('updates/main/binary-amd64/Packages');
    expect(releaseListsFile(sec, 'main/binary-amd64/Packages')).toBe(true);
    expect(releaseListsFile(sec, 'updates/main/binary-amd64/Packages')).toBe(false);
    const sid = parseRelease(SID_RELEASE);
    expect(releaseComponentFor(sid, 'main')).toBe('main');
    expect(packagesIndexPath('main', 'amd64')).toBe('main/binary-amd64/Packages');
  });

  it('refuses bad dates, booleans and hash lines with the line number', () => {
    expect(() => parseRelease('Suite: x\nDate: 2024-01-20 08:12:34\n', { file: 'R' })).toThrow(FormatError);
    expect(() => parseRelease('Suite: x\nDate: Sat, 20 Jan 2024 08:12:34 +0100\n')).toThrow(/Date/);
    try {
      parseRelease('Suite: x\nAcquire-By-Hash: maybe\n', { file: 'R' });
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ kind: 'format', file: 'R', line: 2 });
    }
    try {
      parseRelease('Suite: x\nSHA256:\n abc 12 main/a\n nothex 1 main/b\n', { file: 'R' });
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ kind: 'format', file: 'R', line: 4 });
    }
  });

  it('refuses clearsigned text and multi-paragraph files', () => {
    expect(() => parseRelease('-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nSuite: x\n')).toThrow(/splitClearsigned/);
    expect(() => parseRelease('Suite: x\n\nSuite: y\n')).toThrow(/more than one paragraph/);
  });
});

describe('parseReleaseDate', () => {
  it('reads the zone spellings apt accepts and refuses others', () => {
    expect(parseReleaseDate('Sat, 20 Jan 2024 08:12:34 UTC')?.toISOString()).toBe('2024-01-20T08:12:34.000Z');
    expect(parseReleaseDate('Sat, 20 Jan 2024 08:12:34 GMT')?.getTime()).toBe(Date.UTC(2024, 0, 20, 8, 12, 34));
    expect(parseReleaseDate('Sat, 20 Jan 2024 08:12:34 +0000')?.getTime()).toBe(Date.UTC(2024, 0, 20, 8, 12, 34));
    expect(parseReleaseDate('Sat, 2 Mar 2024 08:12:34 UTC')?.getTime()).toBe(Date.UTC(2024, 2, 2, 8, 12, 34));
    expect(parseReleaseDate('Sat, 20 Jan 2024 08:12:34 +0200')).toBeNull();
    expect(parseReleaseDate('Sat, 31 Feb 2024 08:12:34 UTC')).toBeNull();
    expect(parseReleaseDate('20 Jan 2024 08:12:34 UTC')).toBeNull();
    expect(parseReleaseDate('Sat, 20 Foo 2024 08:12:34 UTC')).toBeNull();
  });
});

const SIGNATURE = `-----BEGIN PGP SIGNATURE-----

iHUEARYKAB0WIQTiR7fakefakefakefakefakefakeFAmZ0AAAACgkQfakefake
=abcd
-----END PGP SIGNATURE-----`;

describe('splitClearsigned', () => {
  it('undoes dash-escaping and separates the signature', () => {
    const text = `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nSuite: x\nDescription: a\n- -- dashes\n- - one\n${SIGNATURE}\n`;
    const parts = splitClearsigned(text);
    expect(parts.signedText).toBe('Suite: x\nDescription: a\n-- dashes\n- one');
    expect(parts.hashes).toEqual(['SHA256']);
    expect(parts.signature).toBe(SIGNATURE + '\n');
    expect(parts.armored).toBe(text);
  });

  it('accepts CRLF and surrounding blank lines, and keeps the original bytes in armored', () => {
    const body = `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nSuite: x\n${SIGNATURE}\n`.replace(/\n/g, '\r\n');
    const parts = splitClearsigned(`\r\n\n${body}\n\n`);
    expect(parts.signedText).toBe('Suite: x');
    expect(parts.hashes).toEqual(['SHA512']);
    expect(parts.armored).toBe(body);
    expect(parseRelease(parts.signedText).suite).toBe('x');
  });

  it('refuses malformed armour with SignatureError and the line', () => {
    const cases: Array<[string, RegExp, number | undefined]> = [
      ['Suite: x\n', /not a clearsigned message/, 1],
      [`junk\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nSuite: x\n${SIGNATURE}\n`, /not a clearsigned/, 1],
      [`-----BEGIN PGP SIGNED MESSAGE-----\nComment: hi\n\nSuite: x\n${SIGNATURE}\n`, /armour header/, 2],
      ['-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nSuite: x\n', /no "-----BEGIN PGP SIGNATURE-----"/, undefined],
      ['-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nSuite: x\n-----BEGIN PGP SIGNATURE-----\n\nabc\n', /no "-----END PGP SIGNATURE-----"/, undefined],
      [`-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nSuite: x\n-----BEGIN PGP SIGNED MESSAGE-----\n${SIGNATURE}\n`, /unescaped/, 5],
      [`-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nSuite: x\n${SIGNATURE}\nSuite: evil\n`, /after the signature/, 10],
    ];
    for (const [text, message, line] of cases) {
      let caught: unknown;
      try {
        splitClearsigned(text, { file: 'InRelease' });
      } catch (err) {
        caught = err;
      }
      expect(caught, text).toBeInstanceOf(SignatureError);
      expect((caught as SignatureError).message).toMatch(message);
      expect((caught as SignatureError).line).toBe(line);
      expect((caught as SignatureError).file).toBe('InRelease');
    }
  });

  describe('with a real gpg clearsignature', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'repoclash-gpg-'));
    afterAll(() => {
      try {
        execFileSync('gpgconf', ['--homedir', home, '--kill', 'all'], { stdio: 'ignore' });
      } catch {
        // no agent was started
      }
      rmSync(home, { recursive: true, force: true });
    });

    it('gives back exactly the text gpg signed, and armored verifies with gpgv', () => {
      const env = { ...process.env, GNUPGHOME: home };
      const gpg = (args: string[], input?: string): Buffer =>
        execFileSync('gpg', ['--batch', '--yes', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { env, input, stdio: ['pipe', 'pipe', 'ignore'] });
      gpg(['--quick-gen-key', 'repoclash test <test@example.invalid>', 'ed25519', 'sign', 'never']);
      // A line starting with "-" (here a field named "--Dashes") is one gpg must dash-escape.
      const release = SID_RELEASE.replace('Codename: sid\n', 'Codename: sid\n--Dashes: -----BEGIN looks like armour\n');
      const signed = gpg(['--clearsign', '--digest-algo', 'SHA512'], release).toString('utf8');
      expect(signed).toContain('\n- --Dashes: -----BEGIN'); // gpg did escape it

      const parts = splitClearsigned(signed, { file: 'InRelease' });
      expect(parts.signedText + '\n').toBe(release);
      expect(parts.hashes).toEqual(['SHA512']);
      expect(parseStanzasText(parts.signedText)[0]!.get('--Dashes')).toBe('-----BEGIN looks like armour');
      expect(parseRelease(parts.signedText).codename).toBe('sid');

      const keyring = path.join(home, 'trusted.gpg');
      writeFileSync(keyring, gpg(['--export']));
      const inRelease = path.join(home, 'InRelease');
      writeFileSync(inRelease, '\n' + parts.armored + '\n');
      // gpgv exits non-zero (and execFileSync throws) unless the signature is good.
      execFileSync('gpgv', ['--keyring', keyring, inRelease], { stdio: 'ignore' });

      // A tampered body fails verification, so the check above means something.
      writeFileSync(inRelease, parts.armored.replace('Codename: sid', 'Codename: sie'));
      expect(() => execFileSync('gpgv', ['--keyring', keyring, inRelease], { stdio: 'ignore' })).toThrow();
      expect(readFileSync(inRelease, 'utf8')).toContain('sie');
    });
  });
});
