/**
 * Crawl benchmark on the live Debian archive (the host's configured mirror, read from its apt
 * sources): a cold crawl of eight suites (main, amd64) side by side with `apt-get update` on the
 * same sources in a private APT_CONFIG, then repoclash's warm re-crawl (goal: ≤ 1 s, zero index
 * downloads).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { hostVariables } from '../src/config/host.js';
import { parseConfig } from '../src/config/repos-yaml.js';
import { crawlRepos } from '../src/crawl/crawl.js';
import type { CrawlContext } from '../src/crawl/context.js';
import { MetadataCache } from '../src/fetch/cache.js';
import { HttpClient } from '../src/fetch/http-client.js';
import { DEFAULT_FETCH_POLICY } from '../src/fetch/policy.js';
import { Store } from '../src/store/index.js';
import { privateAptConfig } from './apt-config.js';
import type { BenchRow } from './types.js';

const SUITES = ['bookworm', 'bookworm-updates', 'bookworm-security', 'bookworm-backports', 'trixie', 'trixie-updates', 'trixie-security', 'sid'];

function configText(vars: Record<string, string>): string {
  const repos = SUITES.map((suite) => {
    const security = suite.endsWith('-security');
    return `  ${suite}:
    vendor: Debian
    role: distro
    format: deb
    uri: ${security ? vars.debian_security_mirror : vars.debian_mirror}
    suite: ${suite}
    components: [main]
    architectures: [amd64]
    # Several suites of the live archive carry a past Valid-Until; read them anyway (apt too).
    check-valid-until: false`;
  });
  return `repos:\n${repos.join('\n')}\n`;
}

async function aptUpdate(dir: string, vars: Record<string, string>): Promise<{ seconds: number; code: number | null; stderr: string }> {
  const etc = path.join(dir, 'etc');
  await mkdir(path.join(etc, 'sources.list.d'), { recursive: true });
  const lines = SUITES.map((s) => `deb ${s.endsWith('-security') ? vars.debian_security_mirror : vars.debian_mirror} ${s} main`);
  await writeFile(path.join(etc, 'sources.list'), lines.join('\n') + '\n');
  const conf = await privateAptConfig(dir, {
    sourceList: path.join(etc, 'sources.list'),
    sourceParts: path.join(etc, 'sources.list.d'),
    extra: ['Acquire::Check-Valid-Until "false";'],
  });
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn('apt-get', ['update', '-q'], { env: { ...process.env, APT_CONFIG: conf }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ seconds: (performance.now() - started) / 1000, code, stderr }));
    child.on('error', () => resolve({ seconds: Number.NaN, code: null, stderr: 'apt-get not found' }));
  });
}

export default async function crawlBench(): Promise<BenchRow[]> {
  const vars = await hostVariables('/');
  if (!vars.debian_mirror || !vars.debian_security_mirror) {
    return [{ name: 'crawl', value: Number.NaN, unit: '', note: "skipped: this host's apt sources name no Debian archive and security archive" }];
  }
  const work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-bench-crawl-'));
  try {
    const repos = [...parseConfig(configText(vars), 'bench').repos.values()];
    const store = Store.open({ path: path.join(work, 'db.sqlite') });
    const http = new HttpClient(DEFAULT_FETCH_POLICY);
    const ctx: CrawlContext = {
      http,
      cache: new MetadataCache(path.join(work, 'cache')),
      store,
      now: () => Date.now(),
      accept: false,
      maxDecompressedBytes: 2 ** 31,
      maxDownloadBytes: 2 ** 29,
      configDir: work,
      aptRoot: '/',
    };

    const apt = await aptUpdate(path.join(work, 'apt'), vars);

    let started = performance.now();
    const cold = await crawlRepos(repos, ctx);
    const coldSeconds = (performance.now() - started) / 1000;
    const coldBytes = http.stats.bytes;
    const packages = cold.reduce((n, o) => n + o.packages, 0);
    const failed = cold.filter((o) => o.status === 'failed').map((o) => o.error?.describe() ?? o.repoId);

    const before = { ...http.stats };
    started = performance.now();
    const warm = await crawlRepos(repos, ctx);
    const warmSeconds = (performance.now() - started) / 1000;
    const warmDownloads = http.stats.downloads - before.downloads;
    const warmUnchanged = warm.filter((o) => o.status === 'unchanged').length;
    store.close();

    return [
      {
        name: `cold crawl, ${SUITES.length} suites main/amd64`,
        value: coldSeconds,
        unit: 's',
        note: `${packages.toLocaleString('en')} packages, ${(coldBytes / 1e6).toFixed(1)} MB downloaded${failed.length ? `; FAILED: ${failed.join('; ')}` : ''}`,
      },
      {
        name: 'apt-get update, same sources (private APT_CONFIG)',
        value: apt.seconds,
        unit: 's',
        note: apt.code === 0 ? 'cold, Acquire::Languages none' : `exit ${apt.code}: ${apt.stderr.trim().split('\n').slice(-2).join(' | ')}`,
      },
      {
        name: 'warm re-crawl',
        value: warmSeconds,
        unit: 's',
        note: `${warmUnchanged}/${SUITES.length} unchanged, ${warmDownloads} index downloads, ${http.stats.requests - before.requests} requests (goal ≤ 1 s, 0 downloads)`,
      },
    ];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
