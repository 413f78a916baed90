/**
 * History that stays cheap: a year of weekly crawls (gen-history.ts) and the store's size and the
 * whole `audit` process after week 1 and after week 52, each audit beside a sqlite3 full scan of
 * the same store's version rows. Goals: week 52 ≤ 1.5× week 1 for both; audit ≤ 4× the scan.
 */
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { auditRows, versionRows } from './commands.bench.js';
import { ensureHistoryStores } from './gen-history.js';
import { buildCli, cliPath, MB, ratio, timeProcess } from './process.js';
import type { BenchRow } from './types.js';

function counts(db: string): { versions: number; winners: number; steps: number } {
  const d = new Database(db, { readonly: true });
  try {
    const n = (sql: string) => (d.prepare(sql).get() as { n: number }).n;
    // Winner rows are runs of a holder since schema 13; each later EVR of a run is a step.
    // Version records: present ones and closed intervals (version_closed since schema 14).
    return { versions: versionRows(d), winners: n('SELECT count(*) AS n FROM winner_tracks'), steps: n('SELECT count(*) AS n FROM winner_steps') };
  } finally {
    d.close();
  }
}

export default async function historyBench(): Promise<BenchRow[]> {
  buildCli();
  const t0 = performance.now();
  const stores = ensureHistoryStores((week) => process.stderr.write(`\r  simulating week ${week}/52`));
  process.stderr.write('\n');
  const generation = (performance.now() - t0) / 1000;
  const work = mkdtempSync(path.join(os.tmpdir(), 'repoclash-bench-history-'));
  const rows: BenchRow[] = [];
  try {
    const measured: Array<{ week: number; size: number; audit: number; versions: number }> = [];
    for (const [week, source] of [[1, stores.week1], [52, stores.week52]] as const) {
      // A copy: the audit opens the store for writing (migrations, optimize on close).
      const db = path.join(work, `week${week}.db`);
      copyFileSync(source, db);
      const size = statSync(db).size;
      const { versions, winners, steps } = counts(db);
      const cli = (args: string[], stdoutFile?: string) => timeProcess(process.execPath, [cliPath, ...args], { cwd: work, ...(stdoutFile ? { stdoutFile } : {}) });
      const [audit, scan] = await auditRows(`after week ${week}`, cli, stores.config, db, work, versions, (c) => c === 0 || c === 1);
      rows.push(audit!, scan!);
      rows.push({ name: `store size after week ${week}`, value: size / MB, unit: 'MB', note: `${versions.toLocaleString('en')} version records, ${winners.toLocaleString('en')} winner rows + ${steps.toLocaleString('en')} EVR steps` });
      measured.push({ week, size, audit: audit!.value, versions });
    }
    const [first, last] = measured as [(typeof measured)[0], (typeof measured)[0]];
    rows.push({ name: 'store size, week 52 / week 1', value: last.size / first.size, unit: '×', note: 'target ≤ 1.5×' });
    rows.push({ name: 'audit time, week 52 / week 1', value: last.audit / first.audit, unit: '×', note: `target ≤ 1.5×; ${ratio(last.audit, first.audit)} with ${last.versions.toLocaleString('en')} vs ${first.versions.toLocaleString('en')} version records` });
    if (generation > 1) rows.push({ name: '52 simulated weekly crawls (store API + winner recording)', value: generation, unit: 's', note: 'generated this run (cached in bench/.data/history afterwards)' });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}
