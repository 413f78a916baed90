import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RepoclashError } from '../../src/errors.js';
import { LockedError, type LockHolder } from '../../src/store/errors.js';
import { acquireCrawlLock, lockPathFor } from '../../src/store/lock.js';
import { tempDir } from '../support/store-builders.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const tmp = tempDir();
afterAll(() => tmp.cleanup());
let n = 0;
const dbPath = () => path.join(tmp.dir, `store${++n}.db`);

function deadPid(): number {
  const done = spawnSync(process.execPath, ['-e', '']);
  return done.pid!;
}

function writeLock(db: string, content: object): void {
  writeFileSync(lockPathFor(db), JSON.stringify({ token: 'planted', startedAt: Date.now() - 60_000, ...content }));
}

describe('crawl lock', () => {
  it('creates the lock file with pid and host, and release removes it', async () => {
    const db = dbPath();
    const release = await acquireCrawlLock(db, { wait: false });
    const content = JSON.parse(readFileSync(lockPathFor(db), 'utf8')) as LockHolder;
    expect(content).toMatchObject({ pid: process.pid, hostname: os.hostname() });
    release();
    release();
    expect(existsSync(lockPathFor(db))).toBe(false);
  });

  it('without waiting, a held lock throws LockedError naming the holder', async () => {
    const db = dbPath();
    const release = await acquireCrawlLock(db, { wait: false });
    const err = await acquireCrawlLock(db, { wait: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockedError);
    expect(err).toBeInstanceOf(RepoclashError);
    expect((err as LockedError).holder).toMatchObject({ pid: process.pid, hostname: os.hostname() });
    expect((err as LockedError).message).toContain(`pid ${process.pid}`);
    release();
  });

  it('a waiting acquirer is told who holds it, then proceeds once released', async () => {
    const db = dbPath();
    const release = await acquireCrawlLock(db, { wait: false });
    const waitedFor: LockHolder[] = [];
    let acquired = false;
    const second = acquireCrawlLock(db, { wait: true, pollMs: 20, onWait: (h) => waitedFor.push(h) }).then((r) => {
      acquired = true;
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(acquired).toBe(false);
    expect(waitedFor).toHaveLength(1);
    expect(waitedFor[0]!.pid).toBe(process.pid);
    release();
    const releaseSecond = await second;
    expect(acquired).toBe(true);
    expect(existsSync(lockPathFor(db))).toBe(true);
    releaseSecond();
  });

  it('gives up after timeoutMs with LockedError', async () => {
    const db = dbPath();
    const release = await acquireCrawlLock(db, { wait: false });
    const started = Date.now();
    await expect(acquireCrawlLock(db, { wait: true, timeoutMs: 150, pollMs: 20 })).rejects.toThrow(/gave up after 150 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    release();
  });

  it('takes over a lock whose pid is dead on this host, with a note', async () => {
    const db = dbPath();
    const pid = deadPid();
    writeLock(db, { pid, hostname: os.hostname() });
    const stale: LockHolder[] = [];
    const release = await acquireCrawlLock(db, { wait: false, onStale: (h) => stale.push(h) });
    expect(stale.map((h) => h.pid)).toEqual([pid]);
    expect(JSON.parse(readFileSync(lockPathFor(db), 'utf8'))).toMatchObject({ pid: process.pid });
    release();
  });

  it('takes over a lock whose pid was reused by another process (Linux start time differs)', async () => {
    const db = dbPath();
    writeLock(db, { pid: process.pid, hostname: os.hostname(), procStart: '1' });
    const stale: LockHolder[] = [];
    const release = await acquireCrawlLock(db, { wait: false, onStale: (h) => stale.push(h) });
    expect(stale).toHaveLength(1);
    release();
  });

  it('never takes over a lock from another host, even with a pid that is dead here', async () => {
    const db = dbPath();
    writeLock(db, { pid: deadPid(), hostname: 'elsewhere.invalid' });
    await expect(acquireCrawlLock(db, { wait: false })).rejects.toBeInstanceOf(LockedError);
  });

  it('treats an unreadable lock as held while fresh and as stale once old', async () => {
    const db = dbPath();
    writeFileSync(lockPathFor(db), '');
    await expect(acquireCrawlLock(db, { wait: false })).rejects.toBeInstanceOf(LockedError);
    const old = new Date(Date.now() - 5 * 60_000);
    utimesSync(lockPathFor(db), old, old);
    const release = await acquireCrawlLock(db, { wait: false });
    release();
  });

  it('release leaves a lock that is no longer its own', async () => {
    const db = dbPath();
    const release = await acquireCrawlLock(db, { wait: false });
    writeLock(db, { pid: 1, hostname: 'other' });
    release();
    expect(existsSync(lockPathFor(db))).toBe(true);
  });

  it('across processes: held by a live child, free to take over once the child is SIGKILLed', async () => {
    const db = dbPath();
    const proc = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'lock-child.ts'), db], {
      cwd: path.resolve(here, '../..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      proc.stdout.setEncoding('utf8').on('data', (s: string) => s.includes('locked') && resolve());
      proc.on('exit', (code) => reject(new Error(`lock child exited early (${code})`)));
    });
    const err = (await acquireCrawlLock(db, { wait: false }).catch((e: unknown) => e)) as LockedError;
    expect(err).toBeInstanceOf(LockedError);
    expect(err.holder?.pid).toBe(proc.pid);

    const exited = new Promise((resolve) => proc.on('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
    const stale: LockHolder[] = [];
    const release = await acquireCrawlLock(db, { wait: true, timeoutMs: 5000, onStale: (h) => stale.push(h) });
    expect(stale.map((h) => h.pid)).toEqual([proc.pid]);
    release();
  });
});
