/**
 * The commands a user runs, timed as whole processes (`node dist/cli/bin.js …`, start-up included),
 * each beside its peer in the same run:
 *
 * - `crawl --system --profile system`, cold and warm, against `apt-get update` on the same sources
 *   (this host's own apt sources, a private Dir::State / Dir::Cache so the host's apt state is
 *   untouched);
 * - `audit` over a store of bookworm + trixie (with -updates and -security), against a `sqlite3`
 *   CLI full scan of the same store's version rows; `report` over the same store;
 * - `host` over the warm system store with 2,000 installed packages (goal ≤ 0.5 s).
 *
 * The mirror comes from this host's apt sources at run time (`$debian_mirror` in the generated
 * repos.yaml); nothing here names a host. Absolute times swing 2–3× on a busy machine: read the
 * ratios, which come from one run.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { hostVariables } from '../src/config/host.js';
import { debianReposYaml } from './debian-config.js';
import { privateAptConfig } from './apt-config.js';
import { bestTiming, buildCli, cliPath, MB, ratio, timeProcess, type ProcessTiming } from './process.js';
import type { BenchRow } from './types.js';

const bin = cliPath;
const INSTALLED = 2_000;

export const DEBIAN_PAIR = `${debianReposYaml(['bookworm', 'bookworm-updates', 'bookworm-security', 'trixie', 'trixie-updates', 'trixie-security'])}profiles:
  bookworm: { repos: [bookworm, bookworm-updates, bookworm-security], arch: amd64 }
  trixie: { repos: [trixie, trixie-updates, trixie-security], arch: amd64 }
upgrade-paths:
  debian: [bookworm, trixie]
`;


const describe = (t: ProcessTiming): string => `${t.seconds.toFixed(2)} s wall, CPU ${t.cpuSeconds.toFixed(2)} s, peak RSS ${(t.maxRssBytes / MB).toFixed(0)} MB`;
const failure = (what: string, t: ProcessTiming, ok: (code: number | null) => boolean): string =>
  ok(t.code) ? '' : `; ${what} exit ${t.code}: ${t.stderr.trim().split('\n').slice(-2).join(' | ')}`;

export default async function commandsBench(): Promise<BenchRow[]> {
  const vars = await hostVariables('/');
  if (!vars['debian_mirror'] || !vars['debian_security_mirror']) {
    return [{ name: 'commands', value: Number.NaN, unit: '', note: "skipped: this host's apt sources name no Debian archive and security archive" }];
  }
  buildCli();
  const work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-bench-commands-'));
  const rows: BenchRow[] = [];
  const load = () => `load avg ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`;
  try {
    const env = { ...process.env, XDG_DATA_HOME: path.join(work, 'data'), XDG_CACHE_HOME: path.join(work, 'xdg-cache'), XDG_CONFIG_HOME: path.join(work, 'config') };
    const configFile = path.join(work, 'repos.yaml');
    await writeFile(configFile, DEBIAN_PAIR);
    const cli = (args: string[], stdoutFile?: string) => timeProcess(process.execPath, [bin, ...args], { env, cwd: work, ...(stdoutFile ? { stdoutFile } : {}) });
    const ok01 = (c: number | null) => c === 0 || c === 1;

    // ── crawl of this host's own apt sources, alternating with apt-get update (fresh state each) ──
    const systemDb = (round: number) => path.join(work, `system-${round}.db`);
    const crawlArgs = (round: number) => ['crawl', '--config', configFile, '--system', '--profile', 'system', '--db', systemDb(round), '--cache', path.join(work, `system-cache-${round}`), '--format', 'json'];
    const aptRuns: ProcessTiming[] = [];
    const coldRuns: ProcessTiming[] = [];
    for (let round = 0; round < 2; round++) {
      const conf = await privateAptConfig(path.join(work, `apt-${round}`));
      aptRuns.push(await timeProcess('apt-get', ['update', '-q'], { env: { ...process.env, APT_CONFIG: conf } }));
      coldRuns.push(await cli(crawlArgs(round), path.join(work, `crawl-${round}.json`)));
    }
    const best = (runs: ProcessTiming[]) => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const apt = best(aptRuns);
    const cold = best(coldRuns);
    const versions = new Database(systemDb(0), { readonly: true });
    const systemVersions = versionRows(versions);
    versions.close();
    rows.push({
      name: 'crawl --system (this host\'s apt sources), cold, whole process',
      value: cold.seconds,
      unit: 's',
      note: `${ratio(cold.seconds, apt.seconds)} apt-get update (target ≤ 1.0×); best of 2 alternating runs; ${describe(cold)}; ${systemVersions.toLocaleString('en')} versions${failure('crawl', cold, (c) => c === 0)}; ${load()}`,
    });
    rows.push({
      name: 'apt-get update, same sources (private Dir::State/Cache)',
      value: apt.seconds,
      unit: 's',
      note: `peer; best of 2; ${describe(apt)}; Acquire::Languages none${failure('apt-get', apt, (c) => c === 0)}`,
    });
    const warm = await bestTiming(3, () => cli(crawlArgs(0), path.join(work, 'crawl-warm.json')));
    rows.push({ name: 'crawl --system, warm (nothing changed), whole process', value: warm.seconds, unit: 's', note: `target ≤ 0.5 s; best of 3; ${describe(warm)}${failure('crawl', warm, (c) => c === 0)}` });

    // ── host over the warm system store, 2,000 installed packages ──
    const installedFile = path.join(work, 'installed.tsv');
    {
      const db = new Database(systemDb(0), { readonly: true });
      const rowsOf = db
        .prepare(`SELECT name, min(evr) AS evr FROM version_tracks WHERE last_seen IS NULL AND arch IN ('amd64', 'all') GROUP BY name ORDER BY name`)
        .all() as Array<{ name: string; evr: string }>;
      db.close();
      const step = Math.max(1, Math.floor(rowsOf.length / INSTALLED));
      const picked = rowsOf.filter((_, i) => i % step === 0).slice(0, INSTALLED);
      await writeFile(installedFile, picked.map((r) => `${r.name}\t${r.evr}`).join('\n') + '\n');
    }
    const hostArgs = ['host', '--config', configFile, '--db', systemDb(0), '--cache', path.join(work, 'system-cache-0'), '--installed', installedFile];
    const hostLocal = await bestTiming(3, () => cli([...hostArgs, '--no-refresh']));
    rows.push({ name: `host --no-refresh, ${INSTALLED.toLocaleString('en')} installed, warm store, whole process`, value: hostLocal.seconds, unit: 's', note: `target ≤ 0.5 s; best of 3; ${describe(hostLocal)}${failure('host', hostLocal, (c) => c !== null && c !== 2)}` });
    const hostRefresh = await bestTiming(3, () => cli(hostArgs));
    rows.push({ name: `host (refresh: conditional requests), ${INSTALLED.toLocaleString('en')} installed, whole process`, value: hostRefresh.seconds, unit: 's', note: `best of 3; ${describe(hostRefresh)}${failure('host', hostRefresh, (c) => c !== null && c !== 2)}` });

    // ── a bookworm + trixie store: audit and report against a sqlite3 full scan ──
    const pairDb = path.join(work, 'pair.db');
    const pairCrawl = await cli(['crawl', '--config', configFile, '--db', pairDb, '--cache', path.join(work, 'pair-cache'), '--format', 'json'], path.join(work, 'pair-crawl.json'));
    const counts = new Database(pairDb, { readonly: true });
    const records = versionRows(counts);
    const winners = (counts.prepare('SELECT count(*) AS n FROM winner_tracks').get() as { n: number }).n;
    counts.close();
    rows.push({ name: 'crawl bookworm + trixie (6 suites), cold, whole process', value: pairCrawl.seconds, unit: 's', note: `${describe(pairCrawl)}; ${records.toLocaleString('en')} version records, ${winners.toLocaleString('en')} winner rows${failure('crawl', pairCrawl, (c) => c === 0)}` });
    rows.push(...(await auditRows('bookworm + trixie', cli, configFile, pairDb, work, records, ok01)));
    const report = await bestTiming(2, () => cli(['report', '--config', configFile, '--db', pairDb, '--out', path.join(work, 'reports'), '--week', '2026-W01', '-q']));
    const scan = await sqliteScan(pairDb);
    rows.push({ name: 'report (weekly files), bookworm + trixie store, whole process', value: report.seconds, unit: 's', note: `${ratio(report.seconds, scan.seconds)} the sqlite3 full scan; best of 2; ${describe(report)}${failure('report', report, (c) => c === 0 || c === 3)}` });
    rows.push({ name: 'store size, bookworm + trixie', value: statSync(pairDb).size / MB, unit: 'MB', note: `${records.toLocaleString('en')} version records` });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return rows;
}

/** Version records in a store: present versions and closed intervals (version_closed, migration 14). */
export function versionRows(db: Database.Database): number {
  return (db.prepare('SELECT (SELECT count(*) FROM version_tracks) + (SELECT count(*) FROM version_closed) AS n').get() as { n: number }).n;
}

/** The audit's peer: the sqlite3 CLI reading every column of every version row, present and closed. */
export function sqliteScan(db: string): Promise<ProcessTiming> {
  return bestTiming(3, () => timeProcess('sqlite3', [db, 'SELECT * FROM version_tracks; SELECT * FROM version_closed;']));
}

/** `audit --format json` (whole process) beside the sqlite3 scan of the same store. */
export async function auditRows(
  label: string,
  cli: (args: string[], stdoutFile?: string) => Promise<ProcessTiming>,
  configFile: string,
  db: string,
  work: string,
  records: number,
  ok: (code: number | null) => boolean,
): Promise<BenchRow[]> {
  const out = path.join(work, 'audit.json');
  const audit = await bestTiming(3, () => cli(['audit', '--config', configFile, '--db', db, '--format', 'json'], out));
  const scan = await sqliteScan(db);
  let findings = '';
  try {
    const parsed = JSON.parse(await readFile(out, 'utf8')) as { counts: { total: number } };
    findings = `, ${parsed.counts.total.toLocaleString('en')} findings`;
  } catch {
    findings = ', no JSON output';
  }
  return [
    {
      name: `audit --format json, ${label} store, whole process`,
      value: audit.seconds,
      unit: 's',
      note: `${ratio(audit.seconds, scan.seconds)} the sqlite3 scan (target ≤ 4×), peak RSS ${(audit.maxRssBytes / MB).toFixed(0)} MB (target ≤ 250 MB); best of 3; CPU ${audit.cpuSeconds.toFixed(2)} s; ${records.toLocaleString('en')} version records${findings}${failure('audit', audit, ok)}`,
    },
    { name: `sqlite3 full scan of the version rows, ${label} store`, value: scan.seconds, unit: 's', note: `peer; best of 3; ${describe(scan)}` },
  ];
}
