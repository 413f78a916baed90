import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAptPreferences, parsePreferences } from '../../src/config/apt-preferences.js';
import { ConfigError } from '../../src/errors.js';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

function makeRoot(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'repoclash-pref-'));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const PREFS = `# Prefer the vendor's build of two packages
Explanation: the vendor ships newer builds
Explanation: second explanation line
Package: nodejs npm
Pin: origin "vendor.example.invalid"
Pin-Priority: 600

Package: *
Pin: release a=bookworm-backports, n=bookworm-backports,o=Debian, l=Debian Backports,c=main
Pin-Priority: 100

Package: gnome* src:mesa /^libllvm[0-9]+$/ firefox-esr:amd64
Pin: version 115.*
Pin-Priority: 1001

Explanation: a stanza with only explanations is a comment

Package: legacy
Pin: release 12
Pin-Priority: -1

Package: local-only
Pin: origin ""
Pin-Priority: 990
`;

describe('parsePreferences', () => {
  it('reads package patterns, pins, priorities and explanations with file:line', () => {
    const pins = parsePreferences(PREFS, '/etc/apt/preferences');
    expect(pins).toHaveLength(5);
    expect(pins[0]).toEqual({
      packages: [
        { kind: 'name', name: 'nodejs', source: false },
        { kind: 'name', name: 'npm', source: false },
      ],
      pin: { kind: 'origin', host: 'vendor.example.invalid' },
      priority: 600,
      explanation: ['the vendor ships newer builds', 'second explanation line'],
      file: '/etc/apt/preferences',
      line: 2,
    });
    expect(pins[1]).toMatchObject({
      packages: [{ kind: 'any' }],
      pin: {
        kind: 'release',
        conditions: { archive: 'bookworm-backports', codename: 'bookworm-backports', origin: 'Debian', label: 'Debian Backports', component: 'main' },
      },
      priority: 100,
      line: 8,
    });
    expect(pins[2]).toMatchObject({
      packages: [
        { kind: 'glob', pattern: 'gnome*', source: false },
        { kind: 'name', name: 'mesa', source: true },
        { kind: 'regex', pattern: '^libllvm[0-9]+$', source: false },
        { kind: 'name', name: 'firefox-esr:amd64', source: false },
      ],
      pin: { kind: 'version', pattern: '115.*' },
      priority: 1001,
      line: 12,
    });
    expect(pins[3]).toMatchObject({ pin: { kind: 'release', conditions: { version: '12' } }, priority: -1, line: 18 });
    expect(pins[4]).toMatchObject({ pin: { kind: 'origin', host: '' }, priority: 990, line: 22 });
  });

  it('reads v= and b= release conditions', () => {
    const [pin] = parsePreferences('Package: x\nPin: release v=12.5, b=amd64\nPin-Priority: 50\n', 'p');
    expect(pin!.pin).toEqual({ kind: 'release', conditions: { version: '12.5', architecture: 'amd64' } });
  });

  it('reads release data as apt does: values as written, unknown or malformed fragments skipped', () => {
    const conditions = (data: string) => {
      const pin = parsePreferences(`Package: x\nPin: release ${data}\nPin-Priority: 10\n`, 'prefs')[0]!.pin;
      return pin.kind === 'release' ? pin.conditions : null;
    };
    expect(conditions('o="Debian", a=stable ,')).toEqual({ origin: '"Debian"', archive: 'stable' });
    expect(conditions('q=foo, o =Debian, l= Debian')).toEqual({ label: ' Debian' });
    // Not a leading digit (a quote): apt reads the bare form as an archive or codename.
    expect(conditions('"12.5"')).toEqual({ release: '"12.5"' });
    expect(conditions('12.5')).toEqual({ version: '12.5' });
  });

  it('refuses bad stanzas with a ConfigError at file:line', () => {
    const cases: Array<[string, RegExp, number]> = [
      ['Pin: release a=stable\nPin-Priority: 10\n', /no Package/, 1],
      ['Package: x\nPin-Priority: 10\n', /no Pin field/, 1],
      ['Package: x\nPin: release a=stable\n', /no priority/, 1],
      ['\nPackage: x\nPin: release a=stable\nPin-Priority: 0\n', /no priority \(or zero\)/, 4],
      ['Package: x\nPin: release a=stable\nPin-Priority: high\n', /not an integer/, 3],
      ['Package: x\nPin: codename bookworm\nPin-Priority: 10\n', /pin type "codename"/, 2],
      ['Package: x\nPin: release\nPin-Priority: 10\n', /needs conditions/, 2],
      ['Package: x\nPin: version\nPin-Priority: 10\n', /needs a version/, 2],
      ['Package: x\nno colon here\n', /neither "Field: value"/, 2],
    ];
    for (const [text, message, line] of cases) {
      let caught: unknown;
      try {
        parsePreferences(text, 'prefs');
      } catch (err) {
        caught = err;
      }
      expect(caught, text).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).message, text).toMatch(message);
      expect((caught as ConfigError).line, text).toBe(line);
      expect((caught as ConfigError).file, text).toBe('prefs');
    }
  });
});

describe('loadAptPreferences', () => {
  it('reads preferences then preferences.d files (no suffix or .pref) in name order', async () => {
    const root = makeRoot({
      'etc/apt/preferences': 'Package: a\nPin: release a=stable\nPin-Priority: 1\n',
      'etc/apt/preferences.d/20-b.pref': 'Package: b\nPin: release a=stable\nPin-Priority: 2\n',
      'etc/apt/preferences.d/10-c': 'Package: c\nPin: release a=stable\nPin-Priority: 3\n',
      'etc/apt/preferences.d/30-d.pref.dpkg-old': 'not parsed at all\n',
      'etc/apt/preferences.d/40-e.save': 'not parsed at all\n',
    });
    const pins = await loadAptPreferences(root);
    expect(pins.map((p) => [(p.packages[0] as { name: string }).name, path.relative(root, p.file), p.priority])).toEqual([
      ['a', 'etc/apt/preferences', 1],
      ['c', 'etc/apt/preferences.d/10-c', 3],
      ['b', 'etc/apt/preferences.d/20-b.pref', 2],
    ]);
  });

  it('returns nothing without preferences and reports errors with the file', async () => {
    expect(await loadAptPreferences(makeRoot({ 'etc/apt/sources.list': '' }))).toEqual([]);
    const root = makeRoot({ 'etc/apt/preferences.d/bad': 'Package: x\nPin: release a=stable\n' });
    await expect(loadAptPreferences(root)).rejects.toMatchObject({ kind: 'config', file: path.join(root, 'etc/apt/preferences.d/bad'), line: 1 });
  });

  it("parses this machine's preferences without error", async () => {
    const pins = await loadAptPreferences('/');
    for (const p of pins) {
      expect(p.priority).not.toBe(0);
      expect(p.packages.length).toBeGreaterThan(0);
      expect(p.file.startsWith('/etc/apt/preferences')).toBe(true);
    }
  });
});
