import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnfRepoquery } from './dnf.js';
import { execTool } from './exec.js';
import { makeThrowawayKey, type GpgKey } from './gpg.js';
import { buildRpmRepo, buildRpms, repomdDataBlocks, rpmCacheEntry, type RpmCompression, type RpmSpec } from './rpm-repo.js';

const specs: RpmSpec[] = [
  { name: 'grafana', version: '10.4.2', release: '1', vendor: 'Grafana Labs', url: 'https://grafana.example.invalid', buildTime: 1_712_000_000 },
  { name: 'grafana', epoch: 1, version: '9.0.0', release: '1.fc40', arch: 'x86_64', vendor: 'Fedora Project', packager: 'Fedora Project', buildTime: 1_650_000_000 },
  { name: 'prometheus', version: '1.8.0', release: '3.fc40', vendor: 'Fedora Project', provides: ['prometheus-server = 1.8.0'], license: 'ASL 2.0' },
];

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rc-rpmrepo-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function rpmQuery(file: string, format: string): Promise<string> {
  return (await execTool('rpm', ['-qp', '--nosignature', '--qf', format, file])).stdout;
}

describe('buildRpms', () => {
  it('writes the requested header fields, build time included', async () => {
    const [noarch, x86] = await buildRpms(specs.slice(0, 2), path.join(work, 'rpms'));
    expect(await rpmQuery(noarch!, '%{NAME}|%{EPOCH}|%{VERSION}|%{RELEASE}|%{ARCH}|%{VENDOR}|%{URL}|%{BUILDTIME}')).toBe(
      'grafana|(none)|10.4.2|1|noarch|Grafana Labs|https://grafana.example.invalid|1712000000',
    );
    expect(await rpmQuery(x86!, '%{EPOCH}|%{ARCH}|%{PACKAGER}|%{BUILDTIME}')).toBe('1|x86_64|Fedora Project|1650000000');
    const [prom] = await buildRpms([specs[2]!], path.join(work, 'rpms'));
    expect(await rpmQuery(prom!, '[%{PROVIDES}\n]')).toContain('prometheus-server');
  });

  it('takes repeated builds from the cache', async () => {
    const spec: RpmSpec = { name: 'cache-probe', version: '1', release: '1', buildTime: 1_600_000_000 + process.pid };
    const entry = rpmCacheEntry(spec);
    try {
      const [first] = await buildRpms([spec], path.join(work, 'c1'));
      // Mark the cached file: a cache hit hands out the marked bytes, a rebuild would not.
      const cached = path.join(entry, path.basename(first!));
      await appendFile(cached, 'cache-marker');
      const [second] = await buildRpms([spec], path.join(work, 'c2'));
      expect((await readFile(second!)).subarray(-12).toString()).toBe('cache-marker');
      // A different build time is a different package, not a cache hit.
      const [other] = await buildRpms([{ ...spec, buildTime: spec.buildTime! + 1 }], path.join(work, 'c3'));
      expect(await rpmQuery(other!, '%{BUILDTIME}')).toBe(String(spec.buildTime! + 1));
      await rm(rpmCacheEntry({ ...spec, buildTime: spec.buildTime! + 1 }), { recursive: true, force: true });
    } finally {
      await rm(entry, { recursive: true, force: true });
    }
  });

  it('refuses two specs that would share one file name', async () => {
    const a: RpmSpec = { name: 'twin', version: '1', release: '1', vendor: 'A' };
    await expect(buildRpms([a, { ...a, vendor: 'B' }], path.join(work, 'twins'))).rejects.toThrow(/twin-1-1\.noarch\.rpm/);
  });

  it('rejects header values that would inject spec lines', async () => {
    await expect(buildRpms([{ name: 'bad', version: '1', release: '1', summary: 'x\n%files' }], path.join(work, 'bad'))).rejects.toThrow(/newlines/);
  });
});

describe('buildRpmRepo', () => {
  const compressions: RpmCompression[] = ['gz', 'xz', 'bz2', 'zstd'];
  const suffix: Record<RpmCompression, string> = { gz: '.gz', xz: '.xz', bz2: '.bz2', zstd: '.zst' };

  it.each(compressions)('builds a %s repo that real dnf reads', async (compression) => {
    const repo = await buildRpmRepo({ dir: path.join(work, `repo-${compression}`), rpms: specs, compression, revision: '1234' });
    expect(repo.primaryHref.endsWith(`-primary.xml${suffix[compression]}`)).toBe(true);
    expect(await readFile(repo.repomdPath, 'utf8')).toContain('<revision>1234</revision>');

    const rows = await dnfRepoquery({ installroot: path.join(work, `root-${compression}`), repos: [{ id: `r-${compression}`, baseurl: repo.baseurl }] });
    const seen = rows.map((r) => `${r.name} ${r.epoch}:${r.version}-${r.release}.${r.arch} ${r.repo} ${r.vendor}`).sort();
    expect(seen).toEqual([
      `grafana 0:10.4.2-1.noarch r-${compression} Grafana Labs`,
      `grafana 1:9.0.0-1.fc40.x86_64 r-${compression} Fedora Project`,
      `prometheus 0:1.8.0-3.fc40.noarch r-${compression} Fedora Project`,
    ]);
  });

  it('writes zstd metadata whose repomd checksums, sizes and open-checksums verify', async () => {
    const repo = await buildRpmRepo({ dir: path.join(work, 'repo-zstd-verify'), rpms: specs, compression: 'zstd' });
    const repomd = await readFile(repo.repomdPath, 'utf8');
    const blocks = repomdDataBlocks(repomd);
    expect(blocks.map((b) => b.type).sort()).toEqual(['filelists', 'other', 'primary']);
    for (const block of blocks) {
      expect(block.href).toMatch(/\.zst$/);
      const file = path.join(repo.dir, block.href);
      const bytes = await readFile(file);
      expect(bytes.subarray(0, 4).toString('hex')).toBe('28b52ffd'); // zstd frame magic
      const sha = createHash('sha256').update(bytes).digest('hex');
      expect(block.text).toContain(`<checksum type="sha256">${sha}</checksum>`);
      expect(path.basename(block.href).startsWith(sha)).toBe(true);
      expect(block.text).toContain(`<size>${(await stat(file)).size}</size>`);
      const plain = Buffer.from((await execTool('zstd', ['-d', '-c', '-q', file])).stdout, 'utf8');
      expect(block.text).toContain(`<open-checksum type="sha256">${createHash('sha256').update(plain).digest('hex')}</open-checksum>`);
      expect(block.text).toContain(`<open-size>${plain.length}</open-size>`);
    }
  });

  it('writes sqlite databases only when asked', async () => {
    const without = await buildRpmRepo({ dir: path.join(work, 'repo-nosql'), rpms: specs.slice(0, 1) });
    const withDb = await buildRpmRepo({ dir: path.join(work, 'repo-sql'), rpms: specs.slice(0, 1), sqlite: true });
    expect(repomdDataBlocks(await readFile(without.repomdPath, 'utf8')).map((b) => b.type)).not.toContain('primary_db');
    expect(repomdDataBlocks(await readFile(withDb.repomdPath, 'utf8')).map((b) => b.type)).toContain('primary_db');
  });

  describe('signed repomd.xml', () => {
    let key: GpgKey;
    beforeAll(async () => {
      key = await makeThrowawayKey(path.join(work, 'key'));
    });
    afterAll(async () => {
      await key.dispose();
    });

    it('writes repomd.xml.asc that gpgv accepts, and rejects after tampering', async () => {
      const repo = await buildRpmRepo({ dir: path.join(work, 'repo-signed'), rpms: specs.slice(0, 1), signWith: key });
      const asc = `${repo.repomdPath}.asc`;
      expect(await readFile(asc, 'utf8')).toContain('BEGIN PGP SIGNATURE');
      const ok = await execTool('gpgv', ['--keyring', key.publicKeyringPath, asc, repo.repomdPath], { allowFailure: true });
      expect(ok.code).toBe(0);
      await execTool('sh', ['-c', `echo '<!-- tampered -->' >> '${repo.repomdPath}'`]);
      const bad = await execTool('gpgv', ['--keyring', key.publicKeyringPath, asc, repo.repomdPath], { allowFailure: true });
      expect(bad.code).not.toBe(0);
    });
  });
});
