/**
 * Staging for a repo's first load (no present version stored when its update starts): records go
 * into a temp table of the update's own, in arrival order, with no key to keep sorted; the commit
 * finds each key's first occurrence in key order with one GROUP BY over the key columns and copies
 * versions and relations through that order. The ids the copy assigns are consecutive in key order,
 * so each relation row's version id is known from its position: no join back by key.
 *
 * Same rows as staging into the keyed table and merging (repo-update.ts), with less CPU spent
 * staging: bookworm's 63,440 real rows through RepoUpdate, medians of 15 alternating one-off runs
 * against the keyed staging (load average ~6): staging 246 → 194 ms, commit 250 → 252 ms. The keyed
 * table's six-column primary key kept rows of ~300 bytes sorted as they arrived; here one GROUP BY
 * over the key columns sorts them at commit (~38 ms), and copying through it costs what the keyed
 * copy and its relations join by key did. The names are collected as rows are staged instead of
 * read back (~35 ms of the keyed commit).
 */
import type { Db } from './db.js';
import type { VersionRecord } from './types.js';

/** The staged columns, in the order each row's values are bound (`pushStagedValues`). */
export const STAGED_COLUMNS =
  'name, arch, epoch, version, release, evr, vendor, source_name, url, summary, build_time, sort_key, depends, pre_depends, conflicts, breaks, provides, phased_percentage, phased_source_version';

/** Their definitions: NOT NULL as in version_tracks, so a bad record fails as it is staged. */
export const STAGED_COLUMN_DEFINITIONS = `
    name        TEXT NOT NULL,
    arch        TEXT NOT NULL,
    epoch       INTEGER NOT NULL,
    version     TEXT NOT NULL,
    release     TEXT NOT NULL,
    evr         TEXT NOT NULL,
    vendor      TEXT,
    source_name TEXT,
    url         TEXT,
    summary     TEXT,
    build_time  INTEGER,
    sort_key    TEXT NOT NULL,
    depends     TEXT,
    pre_depends TEXT,
    conflicts   TEXT,
    breaks      TEXT,
    provides    TEXT,
    phased_percentage     INTEGER,
    phased_source_version TEXT`;

const KEY_COLUMNS = 'name, arch, epoch, version, release';

/** Append a record's staged values (STAGED_COLUMNS order) to `out`. */
export function pushStagedValues(out: unknown[], r: VersionRecord, sortKey: string): void {
  const d = r.debRelations;
  out.push(
    r.name,
    r.arch,
    r.epoch,
    r.version,
    r.release,
    r.evr,
    r.vendor,
    r.sourceName,
    r.url,
    r.summary,
    r.buildTime,
    sortKey,
    d?.depends ?? null,
    d?.preDepends ?? null,
    d?.conflicts ?? null,
    d?.breaks ?? null,
    d?.provides ?? null,
    d?.phasedUpdatePercentage ?? null,
    d?.phasedSourceVersion ?? null,
  );
}

/**
 * Rows per INSERT: fewer calls into SQLite per row, while the statement stays small (bookworm's
 * rows, one-off: 1 row 146 ms, 5 rows 132, 10 rows 127, 16 rows 139, 25 rows 141).
 */
const ROWS_PER_INSERT = 10;

function insertSql(table: string, rows: number): string {
  const row = `(${STAGED_COLUMNS.split(',').map(() => '?').join(', ')})`;
  return `INSERT INTO ${table} (${STAGED_COLUMNS}) VALUES ${Array(rows).fill(row).join(', ')}`;
}

/** What the first load wrote, as the commit reports it. */
export interface FirstLoadCounts {
  added: number;
  /** Each staged name once. */
  changedNames: string[];
  /** The vendors of the versions stored (each once). */
  vendors: (string | null)[];
}

/** One update's arrival-order staging table. */
export class ArrivalStaging {
  private readonly table: string;
  private readonly order: string;
  private readonly insertOne;
  private readonly insertMany;
  /** Rows staged (duplicates included) and what they name: a duplicate has its first's name. */
  private staged = 0;
  private readonly names = new Set<string>();
  private readonly vendors = new Set<string | null>();

  constructor(
    private readonly db: Db,
    stagingId: number,
  ) {
    this.table = `temp.staging_arrival_${stagingId}`;
    this.order = `temp.staging_order_${stagingId}`;
    db.exec(`CREATE TEMP TABLE staging_arrival_${stagingId} (${STAGED_COLUMN_DEFINITIONS})`);
    this.insertOne = db.prepare(insertSql(this.table, 1));
    this.insertMany = db.prepare(insertSql(this.table, ROWS_PER_INSERT));
  }

  /** Stage a batch of records in arrival order (`sortKey` called once per record, in order); the caller holds a transaction. */
  add(records: readonly VersionRecord[], sortKey: (r: VersionRecord) => string): void {
    let i = 0;
    for (; i + ROWS_PER_INSERT <= records.length; i += ROWS_PER_INSERT) {
      const values: unknown[] = [];
      for (let j = i; j < i + ROWS_PER_INSERT; j++) this.push(values, records[j]!, sortKey);
      this.insertMany.run(values);
    }
    for (; i < records.length; i++) {
      const values: unknown[] = [];
      this.push(values, records[i]!, sortKey);
      this.insertOne.run(values);
    }
    this.staged += records.length;
  }

  private push(values: unknown[], r: VersionRecord, sortKey: (r: VersionRecord) => string): void {
    pushStagedValues(values, r, sortKey(r));
    this.names.add(r.name);
    this.vendors.add(r.vendor);
  }

  /**
   * Inside the commit's transaction, for a repo with no present version: open an interval (first
   * seen `at`) for the first occurrence of each staged key, ids in key order as the keyed staging
   * gave them, and (deb) their relations.
   */
  load(repoId: string, at: number, withRelations: boolean): FirstLoadCounts {
    const db = this.db;
    db.exec(`CREATE TEMP TABLE ${this.order.slice('temp.'.length)} (position INTEGER PRIMARY KEY, staged INTEGER NOT NULL)`);
    // min(rowid): a key listed twice keeps its first occurrence.
    const kept = db
      .prepare(`INSERT INTO ${this.order} (staged) SELECT min(rowid) FROM ${this.table} GROUP BY ${KEY_COLUMNS} ORDER BY ${KEY_COLUMNS}`)
      .run().changes;
    const copied = db
      .prepare(
        `INSERT INTO version_tracks
           (repo_id, name, arch, epoch, version, release, evr, vendor, source_name, url, summary, build_time, first_seen, last_seen, sort_key)
         SELECT @repo, s.name, s.arch, s.epoch, s.version, s.release, s.evr, s.vendor, s.source_name, s.url, s.summary, s.build_time, @at, NULL, s.sort_key
         FROM ${this.order} AS o JOIN ${this.table} AS s ON s.rowid = o.staged ORDER BY o.position`,
      )
      .run({ repo: repoId, at });
    // One statement gives AUTOINCREMENT ids one after another: position p got id first + p - 1.
    const first = Number(copied.lastInsertRowid) - copied.changes + 1;
    if (withRelations && copied.changes > 0) {
      db.prepare(
        `INSERT INTO deb_relations (version_id, depends, pre_depends, conflicts, breaks, provides, phased_percentage, phased_source_version)
         SELECT @first - 1 + o.position, s.depends, s.pre_depends, s.conflicts, s.breaks, s.provides, s.phased_percentage, s.phased_source_version
         FROM ${this.order} AS o JOIN ${this.table} AS s ON s.rowid = o.staged ORDER BY o.position`,
      ).run({ first });
    }
    // A dropped duplicate may have carried another vendor than the row kept: then ask the kept rows.
    const vendors =
      kept === this.staged
        ? [...this.vendors]
        : (db.prepare(`SELECT DISTINCT s.vendor FROM ${this.order} AS o JOIN ${this.table} AS s ON s.rowid = o.staged`).pluck().all() as (string | null)[]);
    db.exec(`DROP TABLE ${this.order}`);
    return { added: copied.changes, changedNames: [...this.names], vendors };
  }

  /**
   * Move the rows into the keyed staging table under `stagingId` (first occurrences win there too),
   * for a repo that got present versions after this update began (another writer's commit): the
   * merge then takes them as from keyed staging.
   */
  moveToKeyed(stagingId: number): void {
    this.db
      .prepare(`INSERT INTO temp.staging_versions (staging_id, ${STAGED_COLUMNS}) SELECT ?, ${STAGED_COLUMNS} FROM ${this.table} WHERE true ORDER BY rowid ON CONFLICT DO NOTHING`)
      .run(stagingId);
  }

  /** Drop the table (and the order table a failed load left); safe to call more than once. */
  drop(): void {
    this.db.exec(`DROP TABLE IF EXISTS ${this.order}; DROP TABLE IF EXISTS ${this.table}`);
  }
}
