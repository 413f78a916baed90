/**
 * Opening the SQLite file: where it lives by default, and the pragmas every connection needs.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../errors.js';

export type Db = Database.Database;

export const STORE_FILE_NAME = 'repoclash.db';

/**
 * `$XDG_DATA_HOME/repoclash/repoclash.db`, falling back to `~/.local/share/repoclash/repoclash.db`.
 * Per the XDG spec a relative or empty XDG_DATA_HOME is ignored.
 */
export function defaultStorePath(
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): string {
  const xdg = env['XDG_DATA_HOME'];
  const dataHome = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'share');
  return path.join(dataHome, 'repoclash', STORE_FILE_NAME);
}

export interface OpenDatabaseOptions {
  readonly?: boolean;
  /** How long a writer waits for another process's write transaction (ms). */
  busyTimeoutMs?: number;
  /**
   * A new store built beside its path (./new-store.ts), no one else's until it is moved there:
   * written with its rollback journal in memory (a rollback still works) and no syncs, and turned
   * to WAL when it is closed (SqliteStore.close).
   */
  aside?: boolean;
}

export const IN_MEMORY = ':memory:';

/** The page size of a store file created now (see openDatabase). */
export const NEW_STORE_PAGE_SIZE = 16_384;

/**
 * Open (creating the directory and file when writable) and set the pragmas:
 * WAL so readers (audit, report) never block a crawl and a killed writer leaves no torn pages;
 * synchronous=NORMAL, which in WAL mode loses at most the last commits on power loss, never
 * consistency; foreign keys on; a busy timeout so two processes' short transactions queue
 * instead of failing.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  const readonly = options.readonly ?? false;
  let db: Db;
  try {
    if (file !== IN_MEMORY && !readonly) mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file, { readonly, fileMustExist: readonly });
  } catch (err) {
    throw new StoreError(`cannot open the store: ${err instanceof Error ? err.message : String(err)}`, { file }, { cause: err });
  }
  try {
    if (!readonly && file !== IN_MEMORY) {
      // A new store's pages are 16 KiB, not SQLite's default 4 KiB: a first crawl writes ~50 MB of
      // version, relation and winner B-trees in a few transactions, and with fewer, larger pages a
      // cold `crawl --system` of bookworm + -updates + -security takes ~0.17 s less CPU (of ~2.6 s),
      // while `audit` over a bookworm + trixie store costs the same (one-off alternating runs,
      // 2026-11-29). Only an empty file takes it (before WAL fixes the size); a store made with 4 KiB
      // pages keeps them.
      if (db.pragma('page_count', { simple: true }) === 0) db.pragma(`page_size = ${NEW_STORE_PAGE_SIZE}`);
      if (options.aside === true) db.pragma('journal_mode = MEMORY');
      else requireWal(db, file);
    }
    db.pragma(options.aside === true ? 'synchronous = OFF' : 'synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 10_000))}`);
    // A crawl merges ~70k rows per repo into four indexes: with SQLite's default 2 MB page cache
    // the index pages thrash. 64 MB of cache and staging in memory (not a temp file) halve the time.
    db.pragma('cache_size = -65536');
    db.pragma('temp_store = MEMORY');
  } catch (err) {
    db.close();
    if (err instanceof StoreError) throw err;
    const damaged = storeFailure(err, file);
    if (damaged !== err) throw damaged;
    throw new StoreError(`cannot configure the store: ${err instanceof Error ? err.message : String(err)}`, { file }, { cause: err });
  }
  return db;
}

/** Put the database in WAL mode, or say why the store cannot be kept here. */
export function requireWal(db: Db, file: string): void {
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (String(mode).toLowerCase() !== 'wal') {
    throw new StoreError(`the store's filesystem does not support WAL (journal_mode stayed ${String(mode)})`, { file });
  }
}

/**
 * SQLite's complaint about the file itself (corrupt pages, not a database, disk full, read-only)
 * as one StoreError naming the file and the way out; anything else unchanged.
 */
export function storeFailure(err: unknown, file: string): unknown {
  if (err instanceof StoreError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^SQLITE_(CORRUPT|NOTADB|IOERR|FULL|READONLY|CANTOPEN)/.test(code)) return err;
  const hint = /^SQLITE_(CORRUPT|NOTADB)/.test(code)
    ? ': the store is damaged; move it aside or restore a backup (the next crawl starts a new one)'
    : // A WAL store is read through its -shm file: SQLite must be able to create it beside the store.
      code === 'SQLITE_READONLY_DIRECTORY'
      ? `: the store's directory is read-only, and SQLite needs to create ${path.basename(file)}-shm there even to read the store`
      : '';
  return new StoreError(`${err instanceof Error ? err.message : String(err)}${hint}`, { file }, { cause: err });
}
