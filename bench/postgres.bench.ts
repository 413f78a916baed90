/**
 * The two stores side by side in one run: a cold crawl of the Debian bookworm + trixie suites
 * (with -updates and -security) into SQLite and into PostgreSQL, then `audit --format json` from
 * each, all as whole processes. Needs a PostgreSQL server: run it as
 *
 *   bash scripts/with-test-postgres.sh npm run bench -- postgres
 *
 * (a throwaway local cluster on a Unix socket; REPOCLASH_TEST_STORE names it). The mirror comes
 * from this host's apt sources, as in commands.bench.ts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { hostVariables } from '../src/config/host.js';
import { isPostgresUrl } from '../src/store/index.js';
import { DEBIAN_PAIR } from './commands.bench.js';
import { bestTiming, buildCli, cliPath, MB, ratio, timeProcess, type ProcessTiming } from './process.js';
import type { BenchRow } from './types.js';

const describe = (t: ProcessTiming): string =>
  `${t.seconds.toFixed(2)} s wall, CPU ${t.cpuSeconds.toFixed(2)} s, peak RSS ${(t.maxRssBytes / MB).toFixed(0)} MB${t.code === 0 || t.code === 1 ? '' : `; exit ${t.code}: ${t.stderr.trim().split('\n').slice(-1)[0] ?? ''}`}`;

export default async function postgresBench(): Promise<BenchRow[]> {
  const server = process.env['REPOCLASH_TEST_STORE'];
  if (server === undefined || !isPostgresUrl(server)) {
    return [{ name: 'postgres', value: Number.NaN, unit: '', note: 'skipped: run under scripts/with-test-postgres.sh (no PostgreSQL server given)' }];
  }
  const vars = await hostVariables('/');
  if (!vars['debian_mirror'] || !vars['debian_security_mirror']) {
    return [{ name: 'postgres', value: Number.NaN, unit: '', note: "skipped: this host's apt sources name no Debian archive and security archive" }];
  }
  buildCli();
  const work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-bench-postgres-'));
  try {
    const env = { ...process.env, XDG_DATA_HOME: path.join(work, 'data'), XDG_CACHE_HOME: path.join(work, 'xdg-cache'), XDG_CONFIG_HOME: path.join(work, 'config') };
    const configFile = path.join(work, 'repos.yaml');
    await writeFile(configFile, DEBIAN_PAIR);
    const cli = (args: string[]) => timeProcess(process.execPath, [cliPath, ...args], { env, cwd: work, stdoutFile: path.join(work, 'out') });
    const url = new URL(server);
    url.searchParams.set('schema', `bench_${process.pid}`);
    const stores = { SQLite: path.join(work, 'pair.db'), PostgreSQL: url.toString() };
    const crawls: Record<string, ProcessTiming> = {};
    const audits: Record<string, ProcessTiming> = {};
    // Each crawl cold: a metadata cache of its own, so both download and parse everything.
    for (const [name, db] of Object.entries(stores)) {
      crawls[name] = await cli(['crawl', '--config', configFile, '--db', db, '--cache', path.join(work, `cache-${name}`), '-q']);
    }
    for (const [name, db] of Object.entries(stores)) {
      audits[name] = await bestTiming(2, () => cli(['audit', '--config', configFile, '--db', db, '--format', 'json']));
    }
    const load = `load avg ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`;
    return [
      { name: 'crawl bookworm + trixie (6 suites) into SQLite, cold, whole process', value: crawls['SQLite']!.seconds, unit: 's', note: `${describe(crawls['SQLite']!)}; ${load}` },
      { name: 'crawl bookworm + trixie (6 suites) into PostgreSQL, cold, whole process', value: crawls['PostgreSQL']!.seconds, unit: 's', note: `${ratio(crawls['PostgreSQL']!.seconds, crawls['SQLite']!.seconds)} the SQLite crawl; ${describe(crawls['PostgreSQL']!)}; local server on a Unix socket` },
      { name: 'audit --format json from SQLite, bookworm + trixie, whole process', value: audits['SQLite']!.seconds, unit: 's', note: `best of 2; ${describe(audits['SQLite']!)}` },
      { name: 'audit --format json from PostgreSQL, bookworm + trixie, whole process', value: audits['PostgreSQL']!.seconds, unit: 's', note: `${ratio(audits['PostgreSQL']!.seconds, audits['SQLite']!.seconds)} the SQLite audit; best of 2; ${describe(audits['PostgreSQL']!)}` },
    ];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
