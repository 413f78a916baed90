/**
 * The PostgreSQL bulk-load choice, measured: one Debian suite's worth of staging rows (70,000, the
 * size of bookworm main amd64 + all) loaded into the crawler's own staging table by COPY — what
 * PgRepoUpdate does — and by multi-row INSERTs of 1,000 rows a statement, in the same run on the
 * same connection, alternating, best of 3 each. Needs only a PostgreSQL server, no mirror:
 *
 *   bash scripts/with-test-postgres.sh npm run bench -- postgres-bulk
 */
import os from 'node:os';
import { versionScheme } from '../src/formats/version-scheme.js';
import { PgConnection, type SqlValue } from '../src/store/postgres/connection.js';
import { parsePostgresUrl } from '../src/store/postgres/location.js';
import { ensureStaging, STAGING_COLUMNS, stagingRow } from '../src/store/postgres/repo-update.js';
import type { VersionRecord } from '../src/store/types.js';
import { isPostgresUrl } from '../src/store/index.js';
import type { Bench, BenchRow } from './types.js';

const SUITE_ROWS = 70_000;
const INSERT_ROWS_PER_STATEMENT = 1_000;
const ROUNDS = 3;

/** Packages-file-like records: Debian versions, no vendor or build time, a homepage, a description line, Depends and some other relations. */
function suiteRecords(): VersionRecord[] {
  const out: VersionRecord[] = [];
  for (let i = 0; i < SUITE_ROWS; i++) {
    const epoch = i % 29 === 0 ? 1 : 0;
    const version = `${1 + (i % 9)}.${i % 50}.${i % 7}`;
    const release = `${1 + (i % 4)}${i % 5 === 0 ? '+deb12u1' : ''}`;
    out.push({
      name: `package-${i}`,
      arch: i % 4 === 0 ? 'all' : 'amd64',
      epoch,
      version,
      release,
      evr: `${epoch ? `${epoch}:` : ''}${version}-${release}`,
      vendor: null,
      sourceName: `source-${i - (i % 3)}`,
      url: `https://example.invalid/projects/${i - (i % 3)}`,
      summary: 'a synthetic package whose description line is of typical length',
      buildTime: null,
      // Staged beside the version as the crawler stages a Packages stanza's relations.
      debRelations: {
        depends: `libc6 (>= 2.36), libsource-${i - (i % 3)} (= ${version}-${release})`,
        preDepends: i % 10 === 0 ? 'init-system-helpers (>= 1.54~)' : null,
        conflicts: null,
        breaks: i % 20 === 0 ? `package-${i + 1} (<< ${version})` : null,
        provides: i % 15 === 0 ? `virtual-${i % 40}` : null,
      },
    });
  }
  return out;
}

function timed(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function insertAll(db: PgConnection, rows: readonly SqlValue[][]): void {
  const width = STAGING_COLUMNS.length;
  for (let at = 0; at < rows.length; at += INSERT_ROWS_PER_STATEMENT) {
    const chunk = rows.slice(at, at + INSERT_ROWS_PER_STATEMENT);
    const values = chunk.map((_, r) => `(${STAGING_COLUMNS.map((__, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ');
    db.rows(`INSERT INTO staging_versions (${STAGING_COLUMNS.join(', ')}) VALUES ${values}`, chunk.flat());
  }
}

const ROW_NAMES = {
  copy: `PostgreSQL bulk load: COPY of one Debian suite's staging rows (${SUITE_ROWS.toLocaleString('en')})`,
  insert: `PostgreSQL bulk load: multi-row INSERT (${INSERT_ROWS_PER_STATEMENT.toLocaleString('en')} rows a statement) of the same rows`,
};

/** The two rows, on the server at `url` (a schema of its own). */
function bulkLoadRows(url: string): BenchRow[] {
  const location = new URL(url);
  location.searchParams.set('schema', `bench_bulk_${process.pid}`);
  const db = new PgConnection(parsePostgresUrl(location.toString()));
  try {
    ensureStaging(db);
    const deb = versionScheme('deb');
    const rows = suiteRecords().map((r, i) => stagingRow(1, i, r, deb.sortKey(r)));
    const best = { copy: Number.POSITIVE_INFINITY, insert: Number.POSITIVE_INFINITY };
    for (let round = 0; round < ROUNDS; round++) {
      db.exec('TRUNCATE staging_versions');
      best.copy = Math.min(best.copy, timed(() => db.copyIn('staging_versions', STAGING_COLUMNS, rows)));
      const copied = db.value<number>('SELECT count(*)::int FROM staging_versions');
      db.exec('TRUNCATE staging_versions');
      best.insert = Math.min(best.insert, timed(() => insertAll(db, rows)));
      const inserted = db.value<number>('SELECT count(*)::int FROM staging_versions');
      if (copied !== SUITE_ROWS || inserted !== SUITE_ROWS) throw new Error(`bulk load stored ${copied} / ${inserted} rows, not ${SUITE_ROWS}`);
    }
    db.exec('TRUNCATE staging_versions');
    db.exec(`DROP SCHEMA ${db.identifier(`bench_bulk_${process.pid}`)} CASCADE`);
    return [
      { name: ROW_NAMES.copy, value: best.copy, unit: 'ms', note: `best of ${ROUNDS}, alternating with the INSERT row; into the crawler's staging table (its index included); local server; load avg ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores` },
      { name: ROW_NAMES.insert, value: best.insert, unit: 'ms', note: `${(best.insert / best.copy).toFixed(1)}× the COPY row; best of ${ROUNDS}` },
    ];
  } finally {
    db.close();
  }
}

const bench: Bench = async () => {
  const server = process.env['REPOCLASH_TEST_STORE'];
  if (server === undefined || !isPostgresUrl(server)) {
    return [{ name: 'PostgreSQL bulk load', value: Number.NaN, unit: '', note: 'skipped: run under scripts/with-test-postgres.sh (no PostgreSQL server given)' }];
  }
  return bulkLoadRows(server);
};
export default bench;
