/**
 * Moving a SQLite store's whole history into an empty PostgreSQL store (`repoclash store copy`):
 * every table row for row, ids kept (snapshot facts and winner intervals refer to them), by COPY,
 * in one transaction — the target holds all of it or, after any failure, nothing.
 *
 * Both schemas are the same migrations (../migrations.ts and ./migrations.ts), so the column
 * lists are read from SQLite and used as they are.
 */
import { StoreError } from '../../errors.js';
import type { SqliteStore } from '../sqlite-store.js';
import type { SqlValue } from './connection.js';
import { WRITE_LOCK } from './locks.js';
import type { PostgresStore } from './store.js';

/**
 * Parents before children (foreign keys), schema_version left to each side's own migrations. A
 * migration that adds a table adds it here too (test/store/copy-tables.test.ts checks).
 */
export const COPIED_TABLES = [
  'repos',
  'snapshots',
  'snapshot_dnf_facts',
  'version_tracks',
  'version_closed',
  'deb_relations',
  'repo_events',
  'winner_tracks',
  'winner_steps',
  'winner_inputs',
  'reports',
  'host_packages',
  'upstream_releases',
  'upstream_feeds',
  'fleet_hosts',
  'fleet_packages',
  'fleet_risks',
  'version_rollbacks',
  'past_vendors',
  'repo_vendors',
  'winner_handovers',
] as const;

/** Tables with an identity id whose sequence must continue after the copied rows. */
const IDENTITY_TABLES = ['snapshots', 'version_tracks', 'repo_events', 'winner_tracks', 'reports'] as const;

export interface CopyResult {
  /** Rows copied per table. */
  rows: Record<string, number>;
}

export function copySqliteToPostgres(from: SqliteStore, to: PostgresStore): CopyResult {
  const pg = to.db;
  return pg.transaction((): CopyResult => {
    for (const table of COPIED_TABLES) {
      if ((pg.value<number>(`SELECT count(*) FROM (SELECT 1 FROM ${table} LIMIT 1) AS t`) ?? 0) > 0) {
        throw new StoreError(`the target store is not empty (table ${table} has rows): copy only into a new store`, { file: to.path });
      }
    }
    const rows: Record<string, number> = {};
    for (const table of COPIED_TABLES) {
      const statement = from.db.prepare(`SELECT * FROM ${table}`).raw();
      const columns = statement.columns().map((c) => c.name);
      let n = 0;
      pg.copyIn(
        table,
        columns,
        (function* () {
          for (const row of statement.iterate() as IterableIterator<SqlValue[]>) {
            n++;
            yield row;
          }
        })(),
      );
      rows[table] = n;
    }
    for (const table of IDENTITY_TABLES) {
      // A closed interval keeps its version_tracks id (migration 14): new versions continue after both.
      const ids = table === 'version_tracks' ? '(SELECT id FROM version_tracks UNION ALL SELECT id FROM version_closed)' : table;
      pg.rows(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce(max(id), 0) + 1, false) FROM ${ids} AS t`);
    }
    return { rows };
  }, WRITE_LOCK);
}
