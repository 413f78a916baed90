/**
 * The advisory crawl lock: `<db>.lock` next to the database, created with O_EXCL and holding the
 * holder's pid, hostname and start time, so two crawls never interleave their updates (SQLite alone
 * would serialise transactions but not whole crawls, and the rollback guard needs a stable view).
 *
 * A lock whose pid is dead on this host — or whose pid now belongs to a different process, on
 * Linux where /proc gives the process start time — is stale and is taken over. A lock from
 * another host is never judged stale: we cannot see its processes.
 */
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreError } from '../errors.js';
import { IN_MEMORY } from './db.js';
import { isPostgresUrl } from './postgres/location.js';
import { LockedError, type LockHolder } from './errors.js';

/** What the lock file holds: the public holder facts plus what staleness and release need. */
interface LockFileContent extends LockHolder {
  /** Linux process start time (clock ticks since boot), to detect a reused pid. */
  procStart?: string;
  /** Makes every lock file's content unique, so release and takeover can tell locks apart. */
  token: string;
}

export interface AcquireLockOptions {
  /** Wait for the holder to finish (true) or throw LockedError at once (false). */
  wait: boolean;
  /** Called once when we start waiting (and again if the holder changes): print "waiting for…". */
  onWait?: (holder: LockHolder) => void;
  /** Called when a stale lock is taken over: print a note. */
  onStale?: (holder: LockHolder) => void;
  /** Give up waiting after this long with a LockedError. Default: wait forever. */
  timeoutMs?: number;
  /** How often to look again while waiting. */
  pollMs?: number;
}

/** Release the lock; safe to call more than once. */
export type ReleaseLock = () => void;

/** A lock file with no parseable content this old is a crash between create and write. */
const GARBLED_LOCK_GRACE_MS = 30_000;

export function lockPathFor(dbPath: string): string {
  return `${dbPath}.lock`;
}

function errorCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err ? String((err as NodeJS.ErrnoException).code) : undefined;
}

function procStartOf(pid: number | 'self'): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) is parenthesised and may contain spaces; starttime is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) === 'EPERM'; // exists, owned by someone else
  }
}

function parseLock(raw: string): LockFileContent | null {
  try {
    const v = JSON.parse(raw) as Partial<LockFileContent>;
    if (typeof v.pid === 'number' && typeof v.hostname === 'string' && typeof v.startedAt === 'number' && typeof v.token === 'string') {
      return v as LockFileContent;
    }
  } catch {
    // fall through
  }
  return null;
}

interface SeenLock {
  raw: string;
  content: LockFileContent | null;
  mtimeMs: number;
}

function readLock(file: string): SeenLock | null {
  try {
    const raw = readFileSync(file, 'utf8');
    return { raw, content: parseLock(raw), mtimeMs: statSync(file).mtimeMs };
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    throw new StoreError(`cannot read the crawl lock: ${err instanceof Error ? err.message : String(err)}`, { file }, { cause: err });
  }
}

function publicHolder(content: LockFileContent | null, seen: SeenLock): LockHolder {
  return content
    ? { pid: content.pid, hostname: content.hostname, startedAt: content.startedAt }
    : { pid: 0, hostname: 'unknown (unreadable lock file)', startedAt: seen.mtimeMs };
}

function isStaleLock(seen: SeenLock, now: number = Date.now()): boolean {
  const c = seen.content;
  if (!c) return now - seen.mtimeMs > GARBLED_LOCK_GRACE_MS;
  if (c.hostname !== os.hostname()) return false;
  if (!pidAlive(c.pid)) return true;
  if (c.procStart === undefined) return false;
  const actual = procStartOf(c.pid);
  return actual !== undefined && actual !== c.procStart;
}

function tryCreate(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return false;
    throw new StoreError(`cannot create the crawl lock: ${err instanceof Error ? err.message : String(err)}`, { file }, { cause: err });
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Remove a stale lock only if it is still exactly the one we judged stale. Renaming first makes
 * the removal atomic: of two processes taking over the same stale lock only one gets it, and one
 * that raced a fresh lock into place puts that lock back.
 */
function removeIfUnchanged(file: string, raw: string): boolean {
  const aside = `${file}.stale-${process.pid}-${randomUUID()}`;
  try {
    renameSync(file, aside);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return false;
    throw err;
  }
  let removed = false;
  try {
    if (readFileSync(aside, 'utf8') === raw) {
      removed = true;
    } else {
      try {
        linkSync(aside, file); // restore the fresh lock we moved by mistake
      } catch {
        // someone created a new lock meanwhile; the one we hold aside is superseded
      }
    }
  } finally {
    unlinkSync(aside);
  }
  return removed;
}

function describeHolder(h: LockHolder): string {
  return `pid ${h.pid} on ${h.hostname}, since ${new Date(h.startedAt).toISOString()}`;
}

/**
 * Take the crawl lock for the store at `dbPath`. Resolves to a release function. Without `wait`, a
 * held lock throws LockedError at once; with it, polls until the holder releases (or dies), or
 * until `timeoutMs` passes (LockedError). An in-memory store needs no lock.
 */
export async function acquireCrawlLock(dbPath: string, options: AcquireLockOptions): Promise<ReleaseLock> {
  // PostgreSQL has no file to lock beside it: crawlers there take per-repo advisory locks instead.
  if (dbPath === IN_MEMORY || isPostgresUrl(dbPath)) return () => {};
  const file = lockPathFor(dbPath);
  mkdirSync(path.dirname(file), { recursive: true });
  const mine: LockFileContent = { pid: process.pid, hostname: os.hostname(), startedAt: Date.now(), token: randomUUID() };
  const procStart = procStartOf('self');
  if (procStart !== undefined) mine.procStart = procStart;
  const text = JSON.stringify(mine);
  const deadline = options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
  const pollMs = options.pollMs ?? 250;
  let announced: string | null = null;

  for (;;) {
    if (tryCreate(file, text)) return releaser(file, text);
    const seen = readLock(file);
    if (!seen) continue; // released between our create and read: try again at once
    const holder = publicHolder(seen.content, seen);
    if (isStaleLock(seen)) {
      if (removeIfUnchanged(file, seen.raw)) options.onStale?.(holder);
      continue;
    }
    if (!options.wait) {
      throw new LockedError(`another crawl holds the store lock (${describeHolder(holder)})`, holder, { file });
    }
    const now = Date.now();
    if (now >= deadline) {
      throw new LockedError(
        `gave up after ${options.timeoutMs} ms waiting for the store lock (${describeHolder(holder)})`,
        holder,
        { file },
      );
    }
    if (announced !== seen.raw) {
      announced = seen.raw;
      options.onWait?.(holder);
    }
    await sleep(Math.min(pollMs, deadline - now));
  }
}

function releaser(file: string, text: string): ReleaseLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    try {
      // Only remove our own lock: if it was (wrongly) taken over, the new holder's stays.
      if (readFileSync(file, 'utf8') === text) unlinkSync(file);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw err;
    }
  };
  // A process that exits without releasing (process.exit in the CLI) still frees the lock.
  process.on('exit', release);
  return release;
}
