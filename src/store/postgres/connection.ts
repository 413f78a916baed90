/**
 * One synchronous PostgreSQL connection (libpq's blocking calls), shaped for the store: queries
 * return rows as arrays or objects with integers as numbers, transactions are a function call, and
 * bulk rows go in by COPY.
 *
 * Synchronous on purpose: the store contract every caller relies on is synchronous (the SQLite
 * store is); libpq's blocking calls give that without driving the async `pg` client through a
 * worker and Atomics (README, dependency list). Every failure is a StoreError naming the store
 * (its URL, which never holds a password).
 */
import { createRequire } from 'node:module';
import type Libpq from 'libpq';
import { StoreError } from '../../errors.js';
import type { PostgresLocation } from './location.js';

export type SqlValue = string | number | boolean | null;
export type Row = SqlValue[];

/** Type OIDs whose text form becomes a JS number or boolean; everything else stays a string. */
const NUMERIC_OIDS: ReadonlySet<number> = new Set([20, 21, 23, 26, 700, 701, 1700]);
const BOOL_OID = 16;

function convert(text: string, oid: number): SqlValue {
  if (NUMERIC_OIDS.has(oid)) return Number(text);
  if (oid === BOOL_OID) return text === 't';
  return text;
}

/** COPY's text format: backslash, tab and line breaks escaped, NULL as \N. */
function copyField(value: SqlValue): string {
  if (value === null) return '\\N';
  if (typeof value !== 'string') return String(value);
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/**
 * The native binding, loaded on the first PostgreSQL connection (a SQLite user never loads it),
 * and through require(): imported as ESM, libpq's entry point thinks it is run as a script
 * (no module.parent) and prints its include directory on stdout.
 */
let binding: typeof Libpq | null = null;
function libpq(location: PostgresLocation): Libpq {
  try {
    binding ??= createRequire(import.meta.url)('libpq') as typeof Libpq;
  } catch (err) {
    // libpq is an optional dependency: a machine without libpq-dev installs repoclash without it
    // (npm skips an optional package whose native build fails), and only a PostgreSQL store needs it.
    throw new StoreError(
      'PostgreSQL support is not installed (the libpq module did not build): install libpq-dev (bash scripts/install-system-deps.sh) and run npm rebuild libpq',
      { file: location.display },
      { cause: err },
    );
  }
  return new binding();
}

/**
 * Connections finished but not yet forgotten. libpq's finish() closes a libuv handle embedded in
 * the binding's object; were the object garbage-collected before the event loop has run that
 * close, libuv would touch freed memory (an abort: `uv__finish_close` assertion). Holding it until
 * a timer fires, which is after that loop turn's close phase, prevents it.
 */
const finishing = new Set<Libpq>();
function finish(pq: Libpq): void {
  pq.finish();
  finishing.add(pq);
  setTimeout(() => finishing.delete(pq), 1000).unref();
}

/** How many COPY lines go to libpq in one call (bounded memory, few native calls). */
const COPY_CHUNK_ROWS = 5000;

export class PgConnection {
  private readonly pq: Libpq;
  private depth = 0;
  private closed = false;

  constructor(readonly location: PostgresLocation) {
    this.pq = libpq(location);
    try {
      this.pq.connectSync(location.connectionString);
    } catch (err) {
      const reason = this.pq.errorMessage().trim() || (err instanceof Error ? err.message : String(err));
      finish(this.pq);
      this.closed = true;
      throw this.failure(`cannot connect to the store: ${reason}`, err);
    }
    // Quiet notices (IF NOT EXISTS …) and a schema of our own when the URL names one.
    this.exec(`SET client_min_messages = warning`);
    if (location.schema !== null) {
      const schema = this.pq.escapeIdentifier(location.schema);
      this.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      this.exec(`SET search_path TO ${schema}`);
    }
  }

  get open(): boolean {
    return !this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    finish(this.pq);
  }

  private failure(message: string, cause?: unknown): StoreError {
    return new StoreError(message, { file: this.location.display }, cause === undefined ? undefined : { cause });
  }

  /** Run one statement; rows as arrays of converted values. */
  rows(sql: string, params: readonly SqlValue[] = []): Row[] {
    if (this.closed) throw this.failure('the store connection is closed');
    if (params.length === 0) this.pq.exec(sql);
    // libpq sends JS null as SQL NULL; its typings only admit strings and numbers.
    else this.pq.execParams(sql, params.map((p) => (typeof p === 'boolean' ? (p ? 't' : 'f') : p)) as Array<string | number>);
    const status = this.pq.resultStatus();
    if (status !== 'PGRES_TUPLES_OK' && status !== 'PGRES_COMMAND_OK') {
      const message = this.pq.resultErrorMessage().trim() || this.pq.errorMessage().trim() || status;
      throw this.failure(message);
    }
    const n = this.pq.ntuples();
    const width = this.pq.nfields();
    if (width === 0) return [];
    const oids: number[] = [];
    for (let c = 0; c < width; c++) oids.push(this.pq.ftype(c));
    const out: Row[] = new Array<Row>(n);
    for (let r = 0; r < n; r++) {
      const row: Row = new Array<SqlValue>(width);
      for (let c = 0; c < width; c++) row[c] = this.pq.getisnull(r, c) ? null : convert(this.pq.getvalue(r, c), oids[c]!);
      out[r] = row;
    }
    return out;
  }

  /** Rows as objects keyed by the result's column names (quote camelCase aliases: "repoId"). */
  objects<T>(sql: string, params: readonly SqlValue[] = []): T[] {
    const rows = this.rows(sql, params);
    const names: string[] = [];
    for (let c = 0; c < this.pq.nfields(); c++) names.push(this.pq.fname(c));
    return rows.map((row) => Object.fromEntries(names.map((name, c) => [name, row[c]])) as T);
  }

  /** The first column of every row. */
  column<T extends SqlValue>(sql: string, params: readonly SqlValue[] = []): T[] {
    return this.rows(sql, params).map((r) => r[0] as T);
  }

  /** The first column of the first row, or null. */
  value<T extends SqlValue>(sql: string, params: readonly SqlValue[] = []): T | null {
    return (this.rows(sql, params)[0]?.[0] ?? null) as T | null;
  }

  exec(sql: string): void {
    this.rows(sql);
  }

  /**
   * Run `fn` in a transaction (a savepoint when nested), commit on return, roll back on throw.
   * `exclusiveKey`: also take that transaction-scoped advisory lock first, which makes the
   * transaction the only writer of its kind at a time, as SQLite's IMMEDIATE transactions are.
   */
  transaction<T>(fn: () => T, exclusiveKey?: number): T {
    const nested = this.depth > 0;
    const savepoint = `sp${this.depth}`;
    this.exec(nested ? `SAVEPOINT ${savepoint}` : 'BEGIN');
    this.depth++;
    try {
      if (exclusiveKey !== undefined) this.rows('SELECT pg_advisory_xact_lock($1)', [exclusiveKey]);
      const result = fn();
      this.depth--;
      this.exec(nested ? `RELEASE SAVEPOINT ${savepoint}` : 'COMMIT');
      return result;
    } catch (err) {
      this.depth--;
      if (!this.closed) {
        try {
          this.exec(nested ? `ROLLBACK TO SAVEPOINT ${savepoint}` : 'ROLLBACK');
        } catch {
          // the connection is gone: the server rolls back on its own
        }
      }
      throw err;
    }
  }

  /** Bulk-load rows into `table (columns)` with COPY FROM STDIN (~5× faster than multi-row INSERT: bench/postgres-bulk-load.bench.ts). */
  copyIn(table: string, columns: readonly string[], rows: Iterable<readonly SqlValue[]>): void {
    this.pq.exec(`COPY ${table} (${columns.join(', ')}) FROM STDIN`);
    if (this.pq.resultStatus() !== 'PGRES_COPY_IN') throw this.failure(this.pq.resultErrorMessage().trim() || 'COPY did not start');
    let lines: string[] = [];
    const send = (): void => {
      if (lines.length === 0) return;
      if (this.pq.putCopyData(Buffer.from(lines.join('\n') + '\n', 'utf8')) !== 1) throw this.failure(`COPY failed: ${this.pq.errorMessage().trim()}`);
      lines = [];
    };
    try {
      for (const row of rows) {
        lines.push(row.map(copyField).join('\t'));
        if (lines.length >= COPY_CHUNK_ROWS) send();
      }
      send();
    } catch (err) {
      this.pq.putCopyEnd('aborted by the client');
      while (this.pq.getResult()) { /* drain */ }
      throw err;
    }
    this.pq.putCopyEnd();
    let error: string | null = null;
    while (this.pq.getResult()) {
      if (this.pq.resultStatus() === 'PGRES_FATAL_ERROR') error ??= this.pq.resultErrorMessage().trim();
    }
    if (error !== null) throw this.failure(`COPY into ${table} failed: ${error}`);
  }

  /** An identifier quoted for SQL. */
  identifier(name: string): string {
    return this.pq.escapeIdentifier(name);
  }
}
