import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDebRepo, buildDebs, buildFlatDebRepo, type DebSpec } from './deb-repo.js';
import { execTool } from './exec.js';
import { makeThrowawayKey, type GpgKey } from './gpg.js';

const hello: DebSpec = { name: 'hello', version: '1:2.10-3', maintainer: 'Debian QA <qa@example.invalid>', homepage: 'https://hello.example.invalid', source: 'hello-src (2.10-3)', provides: ['greeter'] };
const tool: DebSpec = { name: 'tool', version: '1.0-1', arch: 'amd64', description: 'a tool' };

let work: string;
let key: GpgKey;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-debrepo-'));
  key = await makeThrowawayKey(path.join(work, 'key'));
});
afterAll(async () => {
  await key?.dispose();
  await rm(work, { recursive: true, force: true });
});

describe('buildDebs', () => {
  it('builds .debs whose control fields dpkg reads back', async () => {
    const [deb] = await buildDebs([hello], path.join(work, 'debs'));
    expect(path.basename(deb!)).toBe('hello_2.10-3_all.deb');
    const fields = (await execTool('dpkg-deb', ['-f', deb!, 'Package', 'Version', 'Architecture', 'Maintainer', 'Homepage', 'Source', 'Provides'])).stdout;
    expect(fields).toBe(
      'Package: hello\nVersion: 1:2.10-3\nArchitecture: all\nMaintainer: Debian QA <qa@example.invalid>\nHomepage: https://hello.example.invalid\nSource: hello-src (2.10-3)\nProvides: greeter\n',
    );
  });
});

describe('gpg throwaway key', () => {
  it('has a 40-hex fingerprint and a binary keyring gpgv can use', async () => {
    expect(key.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(key.publicKeyArmored).toContain('BEGIN PGP PUBLIC KEY BLOCK');
    const keyring = await readFile(key.publicKeyringPath);
    expect(keyring[0]! & 0x80).toBe(0x80); // an OpenPGP packet, not armour
  });
});

describe('buildDebRepo', () => {
  it('writes Packages in three compressions, a Release with the requested fields, and valid signatures', async () => {
    const validUntil = new Date('2030-01-02T03:04:05Z');
    const repo = await buildDebRepo({
      dir: path.join(work, 'repo'),
      sign: key,
      suites: [
        {
          suite: 'stable',
          codename: 'grafana',
          components: ['main'],
          origin: 'Grafana',
          label: 'Grafana Labs',
          version: '1.0',
          notAutomatic: true,
          butAutomaticUpgrades: true,
          date: new Date('2024-05-06T07:08:09Z'),
          validUntil,
          acquireByHash: true,
          packages: { main: [hello, tool] },
        },
      ],
    });
    const suite = repo.suites[0]!;
    const release = await readFile(suite.releasePath, 'utf8');
    for (const line of [
      'Origin: Grafana',
      'Label: Grafana Labs',
      'Suite: stable',
      'Codename: grafana',
      'Version: 1.0',
      'NotAutomatic: yes',
      'ButAutomaticUpgrades: yes',
      'Acquire-By-Hash: yes',
      'Architectures: amd64',
      'Components: main',
      'Date: Mon, 06 May 2024 07:08:09 UTC',
      'Valid-Until: Wed, 02 Jan 2030 03:04:05 UTC',
    ]) {
      expect(release.split('\n')).toContain(line);
    }

    const dir = path.join(suite.distDir, 'main', 'binary-amd64');
    const plain = await readFile(path.join(dir, 'Packages'));
    expect(gunzipSync(await readFile(path.join(dir, 'Packages.gz'))).equals(plain)).toBe(true);
    expect((await execTool('xz', ['-dc', path.join(dir, 'Packages.xz')])).stdout).toBe(plain.toString('utf8'));
    expect(plain.toString()).toMatch(/^Package: hello$/m);
    expect(plain.toString()).toMatch(/^Filename: pool\/stable\/main\/tool_1\.0-1_amd64\.deb$/m);

    // Every SHA256 line is right and present under by-hash.
    const sha256Lines = /^SHA256:\n((?: .*\n?)*)/m.exec(release)![1]!.trim().split('\n');
    expect(sha256Lines.length).toBeGreaterThanOrEqual(3);
    for (const line of sha256Lines) {
      const [hash, size, rel] = line.trim().split(/\s+/);
      const bytes = await readFile(path.join(suite.distDir, rel!));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(hash);
      expect(bytes.length).toBe(Number(size));
      expect((await readFile(path.join(suite.distDir, path.dirname(rel!), 'by-hash', 'SHA256', hash!))).equals(bytes)).toBe(true);
    }

    const keyring = key.publicKeyringPath;
    expect((await execTool('gpgv', ['--keyring', keyring, suite.inReleasePath!], { allowFailure: true })).code).toBe(0);
    expect((await execTool('gpgv', ['--keyring', keyring, suite.releaseGpgPath!, suite.releasePath], { allowFailure: true })).code).toBe(0);
    expect(await readFile(suite.inReleasePath!, 'utf8')).toContain('Origin: Grafana');
  });

  it('builds a flat repository with Filename paths relative to its directory', async () => {
    const flat = await buildFlatDebRepo({ dir: path.join(work, 'flat'), packages: [hello], origin: 'Flat' });
    const packages = await readFile(path.join(flat.distDir, 'Packages'), 'utf8');
    expect(packages).toMatch(/^Filename: \.\/hello_2\.10-3_all\.deb$/m);
    expect(await readFile(flat.releasePath, 'utf8')).toMatch(/^Origin: Flat$/m);
    expect(flat.inReleasePath).toBeUndefined();
  });
});
