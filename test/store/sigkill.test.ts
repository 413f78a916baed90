/**
 * A crawl killed with SIGKILL mid-way (while staging, and inside the commit transaction) leaves a
 * consistent store: the previous snapshot's data intact, no staging leftovers, integrity_check ok.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { REPO_A, meta, put, synthetic, tempDir } from '../support/store-builders.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const child = path.join(here, 'sigkill-child.ts');
const OLD_COUNT = 30_000;

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function seed(file: string): void {
  const store = SqliteStore.open({ path: file });
  store.upsertRepo(REPO_A, 0);
  put(store, meta('fedora', 1_000, 'old'), synthetic(OLD_COUNT, 0));
  store.close(); // last connection: checkpoints and removes the WAL
}

/** Run the child and SIGKILL it as soon as it prints `line`. Resolves with what it printed. */
function killAt(file: string, mode: string, line: string, count: number): Promise<{ output: string; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, file, mode, String(count)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.includes(`${line}\n`)) proc.kill('SIGKILL');
    });
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ output, signal });
      else reject(new Error(`child exited with ${code} before being killed: ${errors}`));
    });
  });
}

function inspect(file: string) {
  const store = SqliteStore.open({ path: file });
  try {
    return {
      integrity: store.db.pragma('integrity_check', { simple: true }),
      foreignKeys: store.db.pragma('foreign_key_check'),
      stagingTables: store.db
        .prepare<[], { name: string }>(`SELECT name FROM sqlite_schema WHERE name LIKE '%staging%'`)
        .all(),
      snapshots: store.snapshots('fedora'),
      current: store.currentVersions(['fedora']),
    };
  } finally {
    store.close();
  }
}

/** Size of the database's write-ahead log (0 when there is none). */
function walBytes(file: string): number {
  const wal = `${file}-wal`;
  return existsSync(wal) ? statSync(wal).size : 0;
}

/** After the kill: a sound file holding the seeded snapshot as it was, and no trace of the new one. */
function expectOnlyTheOldSnapshot(file: string): void {
  const after = inspect(file);
  expect(after.integrity).toBe('ok');
  expect(after.foreignKeys).toEqual([]);
  expect(after.stagingTables).toEqual([]);
  expect(after.snapshots.map((s) => s.indexChecksum)).toEqual(['old']);
  expect(after.current).toHaveLength(OLD_COUNT);
  expect(after.current.every((v) => v.version === '1.0' && v.firstSeen === 1_000)).toBe(true);
}

describe('SIGKILL mid-crawl', () => {
  it('while staging: the old snapshot stays, nothing of the new one reached the file', async () => {
    const file = path.join(tmp.dir, 'staging.db');
    seed(file);
    const run = await killAt(file, 'staging', 'staging', 200_000);
    expect(run.output).not.toContain('committing');
    // Staging lives in a TEMP table: the killed crawl wrote nothing to the database's WAL.
    expect(walBytes(file)).toBe(0);

    expectOnlyTheOldSnapshot(file);
  });

  it('inside the commit transaction: the whole update is lost, the old snapshot stays', async () => {
    const file = path.join(tmp.dir, 'commit.db');
    seed(file);
    const run = await killAt(file, 'commit', 'mid-commit', 150_000);
    expect(run.output).not.toContain('committed');
    // The open transaction had spilled pages to the WAL; recovery must ignore those frames.
    expect(walBytes(file)).toBeGreaterThan(0);

    // The 30,000 old versions were closed and 50,000 new ones inserted inside the killed
    // transaction: none of that may show.
    expectOnlyTheOldSnapshot(file);
    const reopened = SqliteStore.open({ path: file });
    expect(reopened.versionHistory(['fedora']).every((h) => h.lastSeen === null)).toBe(true);
    reopened.close();
  });
});
