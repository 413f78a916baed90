/** Shared helpers for the store tests: temp directories and synthetic version records. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import type { Store } from '../../src/store/index.js';
import { openTestStore } from './test-store.js';
import type { RepoFacts, SnapshotMeta, VersionRecord } from '../../src/store/types.js';

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'repoclash-store-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function rec(name: string, version: string, release = '1', extra: Partial<VersionRecord> = {}): VersionRecord {
  const epoch = extra.epoch ?? 0;
  return {
    name,
    arch: 'x86_64',
    epoch,
    version,
    release,
    evr: `${epoch ? `${epoch}:` : ''}${version}-${release}`,
    vendor: 'Example Vendor',
    sourceName: `${name}-src`,
    url: `https://example.invalid/${name}`,
    summary: `${name} does things`,
    buildTime: 1_700_000_000,
    ...extra,
  };
}

/** `count` distinct packages pkg-000000… at version `1.<generation>`: a synthetic repo index. */
export function* synthetic(count: number, generation = 0, prefix = 'pkg'): Generator<VersionRecord> {
  for (let i = 0; i < count; i++) {
    yield rec(`${prefix}-${String(i).padStart(6, '0')}`, `1.${generation}`, `${1 + (i % 7)}.el9`, {
      buildTime: 1_700_000_000 + i,
    });
  }
}

export const REPO_A: RepoFacts = { id: 'fedora', vendor: 'Fedora Project', role: 'distro', format: 'rpm' };
export const REPO_B: RepoFacts = { id: 'grafana', vendor: 'Grafana Labs', role: 'third-party', format: 'rpm' };

export function meta(repoId: string, fetchedAt: number, indexChecksum: string, extra: Partial<SnapshotMeta> = {}): SnapshotMeta {
  return { repoId, fetchedAt, indexChecksum, revision: String(fetchedAt / 1000), metadataTime: fetchedAt / 1000, ...extra };
}

/** A new empty store on the store the suite runs on (":memory:" SQLite by default; see test/support/test-store.ts). */
export const memoryStore = openTestStore;

/** The store's raw connection, for the checks below that look under the API. */
function raw(store: Store): { sqlite: SqliteStore['db'] } | { postgres: PostgresStore['db'] } {
  if (store instanceof SqliteStore) return { sqlite: store.db };
  if (store instanceof PostgresStore) return { postgres: store.db };
  throw new Error('unknown store kind');
}

/** Commit `records` as a new snapshot of `repoId`. */
export function put(store: Store, m: SnapshotMeta, records: Iterable<VersionRecord>) {
  const update = store.beginRepoUpdate(m);
  update.addMany(records);
  return update.commit();
}

/**
 * Back to schema 13 (either store): closed intervals as rows of version_tracks (ids kept, no text,
 * as migration 11 left them), no version_closed. Tests of earlier migrations run these first.
 */
/** Undo migration 15 (phased updates) on either store: what a store at schema 14 holds. */
export const BACK_TO_SCHEMA_14: readonly string[] = [
  'DROP INDEX deb_relations_phased',
  'ALTER TABLE deb_relations DROP COLUMN phased_percentage',
  'ALTER TABLE deb_relations DROP COLUMN phased_source_version',
  'DELETE FROM schema_version WHERE version >= 15',
];

export const BACK_TO_SCHEMA_13: readonly string[] = [
  ...BACK_TO_SCHEMA_14,
  `INSERT INTO version_tracks
     (id, repo_id, name, arch, epoch, version, release, evr, vendor, source_name, url, summary, build_time, first_seen, last_seen, sort_key)
   SELECT id, repo_id, name, arch, epoch, version, release, evr, vendor, NULL, NULL, NULL, build_time, first_seen, last_seen, sort_key
   FROM version_closed`,
  'DROP TABLE version_closed',
  'DELETE FROM schema_version WHERE version >= 14',
];

/**
 * Step a store back to an older schema and close it (either store), for migration tests: `sqls` run
 * on PostgreSQL through the store's connection, on SQLite through a connection of their own once the
 * store is closed (its cached statements would hold the tables being dropped). `postgresOnly` runs
 * after them on PostgreSQL alone (e.g. a sequence's setval).
 */
export function stepBackAndClose(store: Store, file: string, sqls: readonly string[], postgresOnly: readonly string[] = []): void {
  const db = raw(store);
  if ('postgres' in db) {
    for (const sql of [...sqls, ...postgresOnly]) db.postgres.rows(sql);
    store.close();
    return;
  }
  store.close();
  const connection = new Database(file);
  try {
    for (const sql of sqls) connection.exec(sql);
  } finally {
    connection.close();
  }
}

/** Every row of a table, values only: comparable between two stores. */
export function dump(store: Store, table: string): unknown[] {
  const db = raw(store);
  if ('sqlite' in db) {
    const definition = db.sqlite.prepare<[string], string>('SELECT sql FROM sqlite_schema WHERE name = ?').pluck().get(table) ?? '';
    return db.sqlite.prepare(`SELECT * FROM ${table} ORDER BY ${/WITHOUT ROWID/i.test(definition) ? 1 : 'rowid'}`).all();
  }
  return db.postgres.objects(`SELECT * FROM ${table} ORDER BY 1`);
}

/** Every row of every table, as JSON lines: for checks that a value is nowhere in the store. */
export function dumpAllTables(store: Store): string {
  const db = raw(store);
  if ('sqlite' in db) {
    const tables = db.sqlite.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    return tables.map((t) => JSON.stringify(db.sqlite.prepare(`SELECT * FROM "${t}"`).all())).join('\n');
  }
  const tables = db.postgres.column<string>('SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()');
  return tables.map((t) => JSON.stringify(db.postgres.objects(`SELECT * FROM ${db.postgres.identifier(t)}`))).join('\n');
}

/**
 * dump() for before/after comparisons of one store. On PostgreSQL each row also carries its xmin
 * (the transaction that last wrote it), so a row rewritten with the same values shows as changed.
 */
export function dumpWithWriters(store: Store, table: string): unknown[] {
  const db = raw(store);
  if ('sqlite' in db) return dump(store, table);
  return db.postgres.objects(`SELECT xmin::text AS xmin, * FROM ${table} ORDER BY 2`);
}

/**
 * Rows left in the connection's staging tables (0 when there is none). SQLite: the keyed table and
 * each first load's own tables (staging_arrival_N, staging_order_N; see src/store/first-load.ts).
 */
export function stagingRows(store: Store): number {
  const db = raw(store);
  if ('postgres' in db) {
    if (db.postgres.value<string>(`SELECT to_regclass('pg_temp.staging_versions')::text`) === null) return 0;
    return db.postgres.value<number>('SELECT count(*) FROM pg_temp.staging_versions') ?? 0;
  }
  const tables = db.sqlite.prepare<[], string>(`SELECT name FROM temp.sqlite_schema WHERE type = 'table' AND name LIKE 'staging%'`).pluck().all();
  return tables.reduce((sum, t) => sum + (db.sqlite.prepare<[], number>(`SELECT count(*) FROM temp."${t}"`).pluck().get() ?? 0), 0);
}

/**
 * SQLite's total_changes(): rows written through the connection so far. null on PostgreSQL, which
 * has no such counter; there dump()'s xmin shows any rewritten row instead.
 */
export function totalChanges(store: Store): number | null {
  const db = raw(store);
  return 'sqlite' in db ? db.sqlite.prepare<[], { n: number }>('SELECT total_changes() AS n').get()!.n : null;
}
