/**
 * Upstream release feeds on the live npm registry (its address from this machine's npm
 * configuration) for Debian trixie's node-* packages (trixie, -updates, -security main from this
 * host's Debian mirror): `repoclash upstream --refresh --source npm` with the cache cold (every
 * packument fetched, 8 at once) and warm (every feed younger than --max-age: no request at all).
 * Opt-in with REPOCLASH_BENCH_NPM=1: a cold run downloads ~140 MB from the public registry, which
 * should not happen on every `npm run bench`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { hostVariables } from '../src/config/host.js';
import type { UpstreamSummary } from '../src/report/upstream-render.js';
import { debianReposYaml } from './debian-config.js';
import { buildCli, cliPath, MB, timeProcess, type ProcessTiming } from './process.js';
import type { BenchRow } from './types.js';

const bin = cliPath;

const TRIXIE = `${debianReposYaml(['trixie', 'trixie-updates', 'trixie-security'])}profiles:
  trixie: { repos: [trixie, trixie-updates, trixie-security], arch: amd64 }
`;

export default async function upstreamBench(): Promise<BenchRow[]> {
  if (process.env.REPOCLASH_BENCH_NPM !== '1') {
    return [{ name: 'upstream --refresh, trixie node-* → npm', value: Number.NaN, unit: '', note: 'skipped: set REPOCLASH_BENCH_NPM=1 (a cold run downloads ~140 MB from the live npm registry)' }];
  }
  const vars = await hostVariables('/');
  if (!vars['debian_mirror'] || !vars['debian_security_mirror']) {
    return [{ name: 'upstream --refresh, trixie node-* → npm', value: Number.NaN, unit: '', note: "skipped: this host's apt sources name no Debian archive" }];
  }
  buildCli();
  const work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-bench-upstream-'));
  try {
    const configFile = path.join(work, 'repos.yaml');
    await writeFile(configFile, TRIXIE);
    const env = { ...process.env, XDG_DATA_HOME: path.join(work, 'data'), XDG_CACHE_HOME: path.join(work, 'xdg-cache') };
    const common = ['--config', configFile, '--db', path.join(work, 'db'), '--cache', path.join(work, 'cache')];
    const crawl = await timeProcess(process.execPath, [bin, 'crawl', ...common], { env });
    if (crawl.code !== 0 && crawl.code !== 3) throw new Error(`crawl failed: ${crawl.stderr.trim()}`);
    const refresh = (out: string): Promise<ProcessTiming> =>
      timeProcess(process.execPath, [bin, 'upstream', '--refresh', '--profile', 'trixie', '--source', 'npm', '--concurrency', '8', '--format', 'json', ...common], { env, stdoutFile: out });
    const cold = await refresh(path.join(work, 'cold.json'));
    const warm = await refresh(path.join(work, 'warm.json'));
    const summary = JSON.parse(await readFile(path.join(work, 'warm.json'), 'utf8')) as UpstreamSummary;
    const load = `load avg ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`;
    const what = `${summary.feeds.total} npm feeds for ${summary.mapped} names (${summary.feeds.ok} ok)`;
    const describe = (t: ProcessTiming) => `CPU ${t.cpuSeconds.toFixed(1)} s, peak RSS ${(t.maxRssBytes / MB).toFixed(0)} MB, exit ${t.code}`;
    return [
      { name: 'upstream --refresh, trixie node-* → npm, cold cache', value: cold.seconds, unit: 's', note: `${what}; 8 requests at once; ${describe(cold)}; ${load}` },
      { name: 'upstream --refresh, trixie node-* → npm, warm cache', value: warm.seconds, unit: 's', note: `same feeds, all younger than --max-age (no request); ${describe(warm)}; ${load}` },
    ];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
