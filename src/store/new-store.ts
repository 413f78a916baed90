/**
 * The first crawl into a SQLite store that does not exist yet builds it beside its path
 * (`<store>.new`) and moves it there when the crawl has closed it.
 *
 * Until then the file is no one else's (the crawl lock is held, and readers find no store yet), so
 * it is written with its rollback journal in memory and without syncs (db.ts): a first crawl
 * writes ~50 MB of versions, relations and winners, and writing them once instead of into a WAL
 * and again at its checkpoints, with no syncs, saves ~0.1 s of CPU and ~0.13 s of wall time in a
 * cold `crawl --system` of bookworm + -updates + -security (4 alternating pairs, one-off, load ~4,
 * 2026-11-29).
 * Closing turns it to WAL, like every store; it is synced and then linked into place, which never
 * replaces a store another process made meanwhile.
 *
 * A crawl killed before that leaves no store at the path (the next crawl starts again, removing
 * the leftover); a store that existed before a crawl is never built aside.
 */
import { closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { StoreError } from '../errors.js';
import { IN_MEMORY } from './db.js';
import { isPostgresUrl } from './postgres/location.js';

export interface NewStoreAside {
  /** Where the store is built. */
  readonly aside: string;
  /** Move the closed store to its path. A StoreError (naming where it is kept) when it cannot be. */
  place(): void;
}

/** Suffixes SQLite may have left beside a file a killed process was writing. */
const SIDE_FILES = ['', '-journal', '-wal', '-shm'];

/**
 * For a crawl holding the store's lock: where to build the store when none exists at `location`
 * yet (a SQLite file), or null when there is one (or the store is PostgreSQL or in memory).
 */
export function newStoreAside(location: string): NewStoreAside | null {
  if (isPostgresUrl(location) || location === IN_MEMORY || existsSync(location)) return null;
  const aside = `${location}.new`;
  // A leftover of a crawl killed while building: the lock says no one is building it now.
  for (const suffix of SIDE_FILES) rmSync(aside + suffix, { force: true });
  return { aside, place: () => placeNewStore(aside, location) };
}

function placeNewStore(aside: string, file: string): void {
  if (!existsSync(aside)) return;
  syncFile(aside);
  const raced = () => new StoreError(`another process created a store here while this crawl built one; this crawl's store is kept at ${aside}`, { file });
  try {
    linkSync(aside, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw raced();
    // A filesystem without hard links: the same move, checked just before (no lock holder can race it).
    if (existsSync(file)) throw raced();
    try {
      renameSync(aside, file);
    } catch (again) {
      throw new StoreError(`cannot move the new store into place: ${again instanceof Error ? again.message : String(again)}; it is kept at ${aside}`, { file }, { cause: again });
    }
    syncDirectory(path.dirname(file));
    return;
  }
  unlinkSync(aside);
  syncDirectory(path.dirname(file));
}

function syncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Make the new directory entry durable; some filesystems refuse to sync a directory, which only weakens that. */
function syncDirectory(dir: string): void {
  try {
    syncFile(dir);
  } catch {
    // best effort
  }
}
