/**
 * Reading submissions from real inputs: .spec files expanded by the real rpmspec, .rpm and .deb
 * packages built by rpmbuild and dpkg-deb, and a debian/ directory.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChangelogHead, readDebianDir, readDebPackage } from '../../src/check/deb-inputs.js';
import { inputKindOf, readSubmission } from '../../src/check/inputs.js';
import { readRpmPackage, readSpec } from '../../src/check/rpm-inputs.js';
import { FormatError, UsageError } from '../../src/errors.js';
import { buildDebs } from '../support/deb-repo.js';
import { buildRpms } from '../support/rpm-repo.js';

let work: string;

const GRAFANA_SPEC = `%global forgeurl https://grafana.org
%global upstream_version 6.1.6
Name:           grafana
Epoch:          1
Version:        %{upstream_version}
Release:        1%{?dist}
Summary:        Metrics dashboard and graph editor
License:        ASL 2.0
URL:            %{forgeurl}
Provides:       grafana-server = %{version}-%{release}
Provides:       dashboard-editor

%description
Grafana is an open source, feature rich metrics dashboard.

%package cli
Summary:        Command line tool for Grafana
Provides:       grafana-cli-tool

%description cli
The grafana-cli tool.

%package unbuilt
Summary:        Declared but without %%files, so never built

%description unbuilt
Nothing.

%files

%files cli
`;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-check-inputs-'));
  await writeFile(path.join(work, 'grafana.spec'), GRAFANA_SPEC);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('.spec through rpmspec', () => {
  it('expands macros, keeps Epoch, Provides and URL, lists only built subpackages', async () => {
    const s = await readSpec(path.join(work, 'grafana.spec'));
    expect(s.kind).toBe('spec');
    expect(s.format).toBe('rpm');
    expect(s.sourceName).toBe('grafana');
    // %{?dist} is undefined on this Debian host: the release is just "1".
    expect(s.version).toBe('1:6.1.6-1');
    expect(s.names.map((n) => n.name)).toEqual(['grafana', 'grafana-cli']);
    const main = s.names[0]!;
    expect(main.url).toBe('https://grafana.org');
    expect(main.summary).toBe('Metrics dashboard and graph editor');
    // Self-provides (grafana, grafana(x86-64)) are left out.
    expect(main.provides.sort()).toEqual(['dashboard-editor', 'grafana-server']);
    expect(s.names[1]!.provides).toEqual(['grafana-cli-tool']);
    expect(s.names.every((n) => n.sourceName === 'grafana')).toBe(true);
  });

  it('passes --define through: dist .fc29 lands in the release', async () => {
    const s = await readSpec(path.join(work, 'grafana.spec'), { defines: ['dist .fc29'] });
    expect(s.version).toBe('1:6.1.6-1.fc29');
  });

  it('a spec rpmspec rejects is a FormatError naming the file', async () => {
    const bad = path.join(work, 'bad.spec');
    await writeFile(bad, 'Name: broken\nVersion: 1\n%description\nx\n');
    const err = await readSpec(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).file).toBe(bad);
    expect((err as FormatError).message).toMatch(/rpmspec failed/);
  });
});

describe('built packages', () => {
  it('reads a .rpm built by rpmbuild: EVR, vendor, URL, Provides, source rpm name', async () => {
    const [rpm] = await buildRpms(
      [{ name: 'grafana', epoch: 2, version: '6.1.6', release: '1.fc29', vendor: 'Fedora Project', url: 'https://grafana.org', provides: ['grafana-server = 6.1.6', 'dashboards'] }],
      path.join(work, 'rpms'),
    );
    const s = await readRpmPackage(rpm!);
    expect(s.kind).toBe('rpm');
    expect(s.version).toBe('2:6.1.6-1.fc29');
    expect(s.vendor).toBe('Fedora Project');
    expect(s.sourceName).toBe('grafana');
    expect(s.names).toEqual([
      { name: 'grafana', provides: ['dashboards', 'grafana-server'], url: 'https://grafana.org', summary: 'grafana test package', sourceName: 'grafana', arch: 'noarch' },
    ]);
    // Through the dispatcher, with --version overriding.
    expect((await readSubmission(rpm!, { version: '7.0-1' })).version).toBe('7.0-1');
  });

  it('reads a .deb built by dpkg-deb: version with epoch, Source, Homepage, Provides', async () => {
    const [deb] = await buildDebs(
      [{ name: 'grafana-bin', version: '1:6.1.6-1', arch: 'amd64', source: 'grafana (1:6.1.6-1)', homepage: 'https://grafana.org', provides: ['grafana-server', 'dashboards (= 6.1.6)'], description: 'Grafana binaries' }],
      path.join(work, 'debs'),
    );
    const s = await readDebPackage(deb!);
    expect(s).toMatchObject({ kind: 'deb', format: 'deb', sourceName: 'grafana', version: '1:6.1.6-1', vendor: null });
    expect(s.names).toEqual([
      { name: 'grafana-bin', provides: ['grafana-server', 'dashboards'], url: 'https://grafana.org', summary: 'Grafana binaries', sourceName: 'grafana', arch: 'amd64' },
    ]);
  });
});

describe('debian/ directories', () => {
  const CONTROL = `# a comment dpkg-source ignores
Source: grafana
Section: web
Maintainer: Jane Packager <jane@example.org>
Homepage: https://grafana.com
Build-Depends: debhelper-compat (= 13)

Package: grafana
Architecture: any
Provides: \${misc:Provides}, grafana-server,
 dashboards (= 6.1.6)
Description: feature rich metrics dashboard
 Long text.

Package: grafana-data
Architecture: all
Homepage: https://grafana.com/data
Description: Grafana's static files
`;
  const CHANGELOG = `grafana (6.1.6-1) unstable; urgency=medium

  * New upstream release.

 -- Jane Packager <jane@example.org>  Mon, 20 May 2019 10:00:00 +0000

grafana (6.1.5-1) unstable; urgency=low

  * Older.

 -- Jane Packager <jane@example.org>  Mon, 13 May 2019 10:00:00 +0000
`;
  let tree: string;

  beforeAll(async () => {
    tree = path.join(work, 'grafana-6.1.6');
    await mkdir(path.join(tree, 'debian'), { recursive: true });
    await writeFile(path.join(tree, 'debian/control'), CONTROL);
    await writeFile(path.join(tree, 'debian/changelog'), CHANGELOG);
  });

  it('reads source, binaries, Provides (substvars left out), Homepage and the changelog version', async () => {
    const s = await readDebianDir(path.join(tree, 'debian'));
    expect(s).toMatchObject({ kind: 'debian', format: 'deb', sourceName: 'grafana', version: '6.1.6-1' });
    expect(s.names).toEqual([
      { name: 'grafana', provides: ['grafana-server', 'dashboards'], url: 'https://grafana.com', summary: 'feature rich metrics dashboard', sourceName: 'grafana', arch: 'any' },
      { name: 'grafana-data', provides: [], url: 'https://grafana.com/data', summary: "Grafana's static files", sourceName: 'grafana', arch: 'all' },
    ]);
  });

  it('accepts the source tree, the debian/ directory or debian/control alike', async () => {
    for (const arg of [tree, path.join(tree, 'debian'), path.join(tree, 'debian/control')]) {
      expect(inputKindOf(arg)).toBe('debian');
      expect((await readSubmission(arg)).names.map((n) => n.name)).toEqual(['grafana', 'grafana-data']);
    }
  });

  it('changelog headers: source and version, or a FormatError with the line', () => {
    expect(parseChangelogHead('\nfoo (1:2.0~rc1-3) bookworm-backports; urgency=high\n', 'c')).toEqual({ source: 'foo', version: '1:2.0~rc1-3' });
    const err = (() => {
      try {
        parseChangelogHead('\n\nnot a changelog\n', 'debian/changelog');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).line).toBe(3);
    expect(() => parseChangelogHead('foo (1.0 bad) unstable; urgency=low', 'c')).toThrow(FormatError);
  });

  it('a control file whose Source disagrees with the changelog is refused', async () => {
    const other = path.join(work, 'mismatch/debian');
    await mkdir(other, { recursive: true });
    await writeFile(path.join(other, 'control'), CONTROL.replace('Source: grafana', 'Source: grafana-ng'));
    await writeFile(path.join(other, 'changelog'), CHANGELOG);
    await expect(readDebianDir(other)).rejects.toThrow(/names source "grafana-ng" but debian\/changelog "grafana"/);
  });
});

describe('argument kinds', () => {
  it('a bare name is a name; a missing path or unknown file is a usage error', async () => {
    expect(inputKindOf('grafana')).toBeNull();
    const s = await readSubmission('grafana', { version: '6.1.6-1' });
    expect(s).toMatchObject({ kind: 'name', format: null, version: '6.1.6-1', names: [{ name: 'grafana', provides: [] }] });
    expect(() => inputKindOf('no/such/dir')).toThrow(UsageError);
    await writeFile(path.join(work, 'notes.txt'), 'x');
    expect(() => inputKindOf(path.join(work, 'notes.txt'))).toThrow(UsageError);
    await expect(readSubmission(path.join(work, 'missing.spec'))).rejects.toThrow(UsageError);
  });
});
