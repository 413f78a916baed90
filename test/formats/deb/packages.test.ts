import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FormatError, VersionSyntaxError } from '../../../src/errors.js';
import { parsePackageBatches, parsePackages } from '../../../src/formats/deb/packages.js';
import type { DebPackage } from '../../../src/formats/types.js';

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let p = 0; p < bytes.length; p += size) yield bytes.subarray(p, Math.min(bytes.length, p + size));
}

async function parseAll(text: string | Uint8Array, size = 1 << 16): Promise<DebPackage[]> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const out: DebPackage[] = [];
  for await (const p of parsePackages(chunks(bytes, size), { file: 'dists/sid/main/binary-amd64/Packages', repo: 'debian' })) out.push(p);
  return out;
}

interface Spec {
  name: string;
  version: string;
  arch?: string;
  maintainer?: string;
  extra?: string[];
}

/** A stanza the way dak writes them (field order, multi-line Description). */
function stanza(spec: Spec): string {
  return [
    `Package: ${spec.name}`,
    ...(spec.extra ?? []),
    `Version: ${spec.version}`,
    'Installed-Size: 123',
    `Maintainer: ${spec.maintainer ?? 'Jane Doe <jane@example.org>'}`,
    `Architecture: ${spec.arch ?? 'amd64'}`,
    `Description: the ${spec.name} program`,
    ` Long description of ${spec.name},`,
    ' over two lines.',
    ` Description-md5: not a field, a continuation line`,
    'Section: utils',
    'Priority: optional',
    `Filename: pool/main/${spec.name[0]}/${spec.name}/${spec.name}_${spec.version}_${spec.arch ?? 'amd64'}.deb`,
    'Size: 45678',
    'SHA256: 0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
    '',
  ].join('\n');
}

describe('parsePackages', () => {
  it('reads the fields of a stanza into a record', async () => {
    const text = stanza({
      name: 'libfoo2',
      version: '1:2.3-4+b1',
      extra: [
        'Source: foo (1:2.3-4)',
        'Homepage: https://foo.example.org/',
        'Multi-Arch: same',
        'Provides: libfoo (= 1:2.3-4+b1), foo-abi-2,',
        ' libfoo-any:any',
        'Breaks: libfoo1 (<< 2),',
        '  libbar (<< 0.5)',
        'Replaces: libfoo1 (<< 2)',
        'Conflicts: libfoo-dev (<< 1)',
        'Depends: libc6 (>= 2.36), libbar1 | libbaz1,',
        ' foo-common (= 1:2.3-4)',
        'Pre-Depends: dpkg (>= 1.15.6~)',
      ],
    });
    const [p, ...rest] = await parseAll(text);
    expect(rest).toHaveLength(0);
    expect(p).toEqual({
      package: 'libfoo2',
      version: '1:2.3-4+b1',
      architecture: 'amd64',
      source: { name: 'foo', version: '1:2.3-4' },
      maintainer: 'Jane Doe <jane@example.org>',
      homepage: 'https://foo.example.org/',
      summary: 'the libfoo2 program',
      provides: [{ name: 'libfoo', flags: '=', version: '1:2.3-4+b1' }, { name: 'foo-abi-2' }, { name: 'libfoo-any:any' }],
      providesText: 'libfoo (= 1:2.3-4+b1), foo-abi-2, libfoo-any:any',
      depends: 'libc6 (>= 2.36), libbar1 | libbaz1, foo-common (= 1:2.3-4)',
      preDepends: 'dpkg (>= 1.15.6~)',
      conflicts: 'libfoo-dev (<< 1)',
      breaks: 'libfoo1 (<< 2), libbar (<< 0.5)',
      replaces: 'libfoo1 (<< 2)',
      multiArch: 'same',
      filename: 'pool/main/l/libfoo2/libfoo2_1:2.3-4+b1_amd64.deb',
      sha256: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
      size: 45678,
      section: 'utils',
      phasedUpdatePercentage: null,
    } satisfies DebPackage);
  });

  it('reads Phased-Update-Percentage as apt does: the leading number, below 100', async () => {
    const values = ['30', '0', '+3', '03', '3.5', '3x', '100', '150', '-5', 'abc'];
    const text = values.map((v, i) => stanza({ name: `p${i}`, version: '1.0-1', extra: [`Phased-Update-Percentage: ${v}`] })).join('\n') + '\n' + stanza({ name: 'plain', version: '1.0-1' });
    const pkgs = await parseAll(text);
    expect(pkgs.map((p) => p.phasedUpdatePercentage)).toEqual([30, 0, 3, 3, 3, 3, null, null, null, null, null]);
  });

  it('takes the source name from the binary when Source is absent, and a bare Source without version', async () => {
    const pkgs = await parseAll(stanza({ name: 'hello', version: '2.10-3' }) + '\n' + stanza({ name: 'hello-doc', version: '2.10-3', arch: 'all', extra: ['Source: hello'] }));
    expect(pkgs.map((p) => p.source)).toEqual([
      { name: 'hello', version: null },
      { name: 'hello', version: null },
    ]);
    expect(pkgs[1]!.architecture).toBe('all');
    expect(pkgs[0]!.homepage).toBeNull();
    expect(pkgs[0]!.provides).toEqual([]);
    expect(pkgs[0]!.breaks).toBeNull();
    expect([pkgs[0]!.depends, pkgs[0]!.preDepends, pkgs[0]!.providesText]).toEqual([null, null, null]);
  });

  it('keeps every stanza of a name that appears more than once', async () => {
    const text = [
      stanza({ name: 'dup', version: '1.0-1' }),
      stanza({ name: 'dup', version: '1.0-1', arch: 'i386' }),
      stanza({ name: 'dup', version: '2.0-1' }),
      stanza({ name: 'dup', version: '1.0-1' }),
    ].join('\n');
    const pkgs = await parseAll(text);
    expect(pkgs.map((p) => `${p.package}/${p.version}/${p.architecture}`)).toEqual(['dup/1.0-1/amd64', 'dup/1.0-1/i386', 'dup/2.0-1/amd64', 'dup/1.0-1/amd64']);
  });

  it('decodes UTF-8 maintainer names cut at every chunk boundary, with CRLF line ends', async () => {
    const names = ['Jörg Müller <jm@example.org>', 'Ωμέγα Αλφα <o@example.org>', '山田 太郎 <t@example.jp>', 'Emoji 🐧 Person <p@example.org>'];
    const text = names.map((m, i) => stanza({ name: `pkg${i}`, version: `${i}.0-1`, maintainer: m })).join('\n').replace(/\n/g, '\r\n');
    const bytes = Buffer.from(text, 'utf8');
    // Chunk sizes 1..40 put a boundary inside every multi-byte character at some point.
    for (let size = 1; size <= 40; size++) {
      const pkgs = await parseAll(bytes, size);
      expect(pkgs.map((p) => p.maintainer), `chunk size ${size}`).toEqual(names);
      expect(pkgs.map((p) => p.summary)).toEqual(names.map((_, i) => `the pkg${i} program`));
      expect(pkgs[0]!.version).toBe('0.0-1');
    }
  });

  it('refuses a stanza without Package, Version or Architecture, naming file and line', async () => {
    const good = stanza({ name: 'ok', version: '1-1' });
    for (const field of ['Package', 'Version', 'Architecture']) {
      const bad = stanza({ name: 'broken', version: '1-1' })
        .split('\n')
        .filter((l) => !l.startsWith(`${field}:`))
        .join('\n');
      const text = good + '\n' + bad;
      const err = await parseAll(text).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, field).toBeInstanceOf(FormatError);
      const e = err as FormatError;
      expect(e.message).toContain(field);
      expect(e.file).toBe('dists/sid/main/binary-amd64/Packages');
      expect(e.repo).toBe('debian');
      // The broken stanza starts right after the first one and its blank line.
      expect(e.line).toBe(good.split('\n').length + 1);
    }
  });

  it('refuses an invalid Version with a VersionSyntaxError on the Version line', async () => {
    const good = stanza({ name: 'ok', version: '1-1' });
    const text = good + '\n' + stanza({ name: 'bad', version: '1.0-' });
    const err = await parseAll(text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VersionSyntaxError);
    const e = err as VersionSyntaxError;
    expect(e.message).toContain('revision number is empty');
    expect(e.file).toBe('dists/sid/main/binary-amd64/Packages');
    // "Version:" is the second line of the stanza.
    expect(e.line).toBe(good.split('\n').length + 2);
  });

  it('refuses an invalid version in Source: name (version)', async () => {
    const err = await parseAll(stanza({ name: 'x', version: '1-1', extra: ['Source: xsrc (a:1)'] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VersionSyntaxError);
    expect((err as VersionSyntaxError).line).toBe(2);
  });

  it('refuses alternatives and non-exact versions in Provides, and a bad Size', async () => {
    await expect(parseAll(stanza({ name: 'x', version: '1-1', extra: ['Provides: a | b'] }))).rejects.toMatchObject({ kind: 'format', line: 2 });
    await expect(parseAll(stanza({ name: 'x', version: '1-1', extra: ['Provides: a (>= 1)'] }))).rejects.toMatchObject({ kind: 'format', line: 2 });
    const badSize = stanza({ name: 'x', version: '1-1' }).replace('Size: 45678', 'Size: 12k');
    await expect(parseAll(badSize)).rejects.toMatchObject({ kind: 'format', line: 13 });
  });

  it('yields the same records in batches', async () => {
    const text = Array.from({ length: 50 }, (_, i) => stanza({ name: `p${i}`, version: `${i}-1` })).join('\n');
    const bytes = Buffer.from(text);
    const batched: DebPackage[] = [];
    for await (const batch of parsePackageBatches(chunks(bytes, 500))) batched.push(...batch);
    expect(batched).toEqual(await parseAll(text, 500));
    expect(batched).toHaveLength(50);
  });
});

/** What python3-apt (apt's own TagFile and dependency parser) reads from a Packages file. */
const APT_ORACLE = `
import apt_pkg, re, sys, json
apt_pkg.init()
def fold(v): return None if v is None else re.sub(r'\\s*\\n\\s*', ' ', v.strip())
def opt(v): return None if v is None or v == '' else v
out = []
with open(sys.argv[1]) as f:
    for s in apt_pkg.TagFile(f):
        src = s.get('Source')
        source = {'name': s['Package'], 'version': None}
        if src:
            m = re.match(r'^(\\S+)(?:\\s*\\((\\S+)\\))?$', src)
            source = {'name': m.group(1), 'version': m.group(2)}
        provides = []
        if s.get('Provides'):
            for group in apt_pkg.parse_depends(s['Provides'], False):
                for (n, v, op) in group:
                    provides.append({'name': n, 'flags': op, 'version': v} if v else {'name': n})
        desc = s.get('Description')
        out.append({'package': s['Package'], 'version': s['Version'], 'architecture': s['Architecture'], 'source': source,
            'maintainer': opt(s.get('Maintainer')), 'homepage': opt(s.get('Homepage')),
            'summary': opt(desc.split('\\n')[0].strip()) if desc is not None else None, 'provides': provides,
            'providesText': opt(fold(s.get('Provides'))), 'depends': opt(fold(s.get('Depends'))), 'preDepends': opt(fold(s.get('Pre-Depends'))),
            'conflicts': opt(fold(s.get('Conflicts'))), 'breaks': opt(fold(s.get('Breaks'))), 'replaces': opt(fold(s.get('Replaces'))),
            'multiArch': opt(s.get('Multi-Arch')), 'filename': opt(s.get('Filename')), 'sha256': opt(s.get('SHA256')),
            'size': int(s['Size']) if s.get('Size') else None, 'section': opt(s.get('Section')),
            # Generated values are plain numbers: apt takes one below 100 as the percentage.
            'phasedUpdatePercentage': int(s['Phased-Update-Percentage']) if int(s.get('Phased-Update-Percentage') or 100) < 100 else None})
json.dump(out, sys.stdout)
`;

/** A deterministic generator of varied but valid stanzas. */
function generatedIndex(count: number): string {
  let seed = 42;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return (seed >>> 16) % n; // the low bits of an LCG are not random
  };
  const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;
  const maintainers = ['Jörg Müller <jm@example.org>', '山田 太郎 <t@example.jp>', 'Plain Person <p@example.org>', 'Zoë “Quotes” Ünïcode <z@example.org>'];
  const versions = ['1.0-1', '2:3.4~rc1-0.1', '1.2.3+dfsg-4+b2', '0.9', '1:1.0-1~bpo12+1', '20240101.git1234abc-3'];
  const stanzas: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `pkg-${i}${pick(['', '-dev', '-doc', '+plus'])}`;
    const lines = [`${pick(['Package', 'package', 'PACKAGE'])}: ${name}`];
    if (rand(2)) lines.push(`Source: src${i % 7}${rand(2) ? ` (${pick(versions)})` : ''}`);
    lines.push(`Version: ${pick(versions)}`, `Architecture: ${pick(['amd64', 'all'])}`, `Maintainer: ${pick(maintainers)}`);
    if (rand(3) === 0) lines.push(`Homepage: https://h${i}.example.org/`);
    if (rand(3) === 0) lines.push(`Provides: virt-${i % 5}, lib${i} (= ${pick(versions)}),`, `\tfoo:any`);
    if (rand(3) === 0) lines.push(`Breaks: old-${i} (<< 1.0),`, '  other (<= 2:1)', ' ,third');
    if (rand(4) === 0) lines.push(`Replaces: old-${i} (<< 1.0)   `);
    if (rand(4) === 0) lines.push(`Conflicts: x-${i}`);
    if (rand(2)) lines.push(`Depends: libc6 (>= 2.36), alt-${i} | other-${i % 3} (>> ${pick(versions)}),`, ` python3:any`);
    if (rand(5) === 0) lines.push(`Pre-Depends: dpkg (>= 1.15.6~)`);
    if (rand(2)) lines.push(`Multi-Arch: ${pick(['same', 'foreign', 'allowed'])}`);
    if (rand(6) === 0) lines.push(`Phased-Update-Percentage: ${pick(['0', '10', '99', '100'])}`);
    lines.push(`X-Unknown-Field-${i % 3}: value`);
    lines.push(`Description: summary of ${name} ✓  `, ' first line of the body', ' .', `  ${pick(maintainers)}`);
    lines.push(`Section: ${pick(['utils', 'libs', 'non-free/net'])}`, `Filename: pool/main/p/${name}.deb`, `Size: ${rand(1000000)}`, `SHA256: ${'0123456789abcdef'.repeat(4)}`);
    stanzas.push(lines.join('\n'));
  }
  return stanzas.join('\n\n') + '\n';
}

describe('parsePackages against apt (python3-apt) on the same bytes', () => {
  it('reads every field of a varied generated index exactly as apt does', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'repoclash-pkgs-'));
    try {
      const text = generatedIndex(300);
      const file = path.join(dir, 'Packages');
      writeFileSync(file, text);
      const oracle = spawnSync('/usr/bin/python3', ['-c', APT_ORACLE, file], { encoding: 'utf8' });
      expect(oracle.stderr).toBe('');
      expect(oracle.status).toBe(0);
      const apt = JSON.parse(oracle.stdout) as DebPackage[];
      // The generated index exercises what it should (so the comparison below is not vacuous).
      expect(apt.some((p) => p.provides.some((r) => r.flags === '=' && r.version !== undefined))).toBe(true);
      expect(apt.some((p) => p.breaks?.includes('other (<= 2:1)'))).toBe(true);
      expect(apt.some((p) => p.source?.version !== null)).toBe(true);
      expect(apt.some((p) => p.depends?.includes(' | other-') === true)).toBe(true);
      expect(apt.some((p) => p.preDepends !== null)).toBe(true);
      expect(apt.some((p) => p.maintainer?.includes('山田'))).toBe(true);
      const ours = await parseAll(text, 777);
      expect(ours).toHaveLength(300);
      expect(ours).toEqual(apt);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
