/**
 * Our parsers on metadata the real tools wrote: rpmbuild + createrepo_c in gz, xz and bz2 (and zstd,
 * recompressed with repomd fixed up), RPMs from several vendors with epochs, `~` and `^` versions.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decompress, detectCompression } from '../../../src/fetch/decompress.js';
import { verifyStream } from '../../../src/fetch/checksum.js';
import { parsePrimary } from '../../../src/formats/rpm/primary.js';
import { findData, parseRepomd } from '../../../src/formats/rpm/repomd.js';
import { compareEvr } from '../../../src/formats/rpm/version.js';
import type { RpmPackage } from '../../../src/formats/types.js';
import { buildRpmRepo, type RpmCompression, type RpmSpec } from '../../support/rpm-repo.js';

const specs: RpmSpec[] = [
  { name: 'grafana', version: '10.4.2', release: '1', arch: 'x86_64', vendor: 'Grafana Labs', url: 'https://grafana.com', buildTime: 1_712_000_000 },
  { name: 'grafana', epoch: 1, version: '9.0.0', release: '1.fc40', arch: 'x86_64', vendor: 'Fedora Project', url: 'https://grafana.org', buildTime: 1_711_000_000 },
  { name: 'tool', version: '2.0~rc1', release: '1', vendor: 'Upstream <dev@example.org>', provides: ['tool-cli = 2.0'] },
  { name: 'tool', version: '2.0', release: '1', vendor: 'Upstream <dev@example.org>' },
  { name: 'tool', version: '2.0^git20240101', release: '1', vendor: 'Upstream <dev@example.org>' },
  { name: 'amp', version: '1.0', release: '1', summary: 'Tom & Jerry <cartoons>' },
];

let work: string;
const built = new Map<RpmCompression, string>();

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-createrepo-'));
  for (const compression of ['gz', 'xz', 'bz2', 'zstd'] as const) {
    const repo = await buildRpmRepo({ dir: path.join(work, compression), rpms: specs, compression });
    built.set(compression, repo.dir);
  }
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function readRepo(dir: string): Promise<{ packages: RpmPackage[]; compression: string }> {
  const repomd = await parseRepomd(await readFile(path.join(dir, 'repodata/repomd.xml'), 'utf8'), { file: 'repomd.xml' });
  const primary = findData(repomd, 'primary')!;
  const file = path.join(dir, primary.location.href);
  const head = (await readFile(file)).subarray(0, 8);
  const where = { file: primary.location.href };
  // Verify the compressed bytes against repomd while decompressing and parsing them.
  const verified = verifyStream(createReadStream(file) as AsyncIterable<Uint8Array>, { type: primary.checksum.type, value: primary.checksum.value, size: primary.size }, where);
  const packages: RpmPackage[] = [];
  for await (const p of parsePrimary(decompress(verified, { where }), where)) packages.push(p);
  return { packages, compression: detectCompression(head) };
}

describe('createrepo_c output', () => {
  for (const compression of ['gz', 'xz', 'bz2', 'zstd'] as const) {
    it(`reads the ${compression} repo, checksums verified, every field as built`, async () => {
      const { packages, compression: detected } = await readRepo(built.get(compression)!);
      expect(detected).toBe(compression === 'zstd' ? 'zst' : compression);
      expect(packages).toHaveLength(specs.length);
      const grafana = packages.filter((p) => p.name === 'grafana').sort((a, b) => compareEvr(a, b));
      expect(grafana.map((p) => [p.epoch, p.version, p.release, p.vendor, p.url, p.buildTime])).toEqual([
        [0, '10.4.2', '1', 'Grafana Labs', 'https://grafana.com', 1_712_000_000],
        [1, '9.0.0', '1.fc40', 'Fedora Project', 'https://grafana.org', 1_711_000_000],
      ]);
      // rpm order: 2.0~rc1 < 2.0 < 2.0^git20240101
      const tool = packages.filter((p) => p.name === 'tool').sort((a, b) => compareEvr(a, b));
      expect(tool.map((p) => p.version)).toEqual(['2.0~rc1', '2.0', '2.0^git20240101']);
      expect(tool[0]!.provides).toContainEqual({ name: 'tool-cli', flags: 'EQ', version: '2.0' });
      expect(tool[0]!.vendor).toBe('Upstream <dev@example.org>');
      expect(packages.find((p) => p.name === 'amp')!.summary).toBe('Tom & Jerry <cartoons>');
      for (const p of packages) {
        expect(p.sourcerpm).toMatch(new RegExp(`^${p.name}-.*\\.src\\.rpm$`));
        expect(p.checksum?.type).toBe('sha256');
        expect(p.location.href).toMatch(/\.rpm$/);
      }
    });
  }
});
