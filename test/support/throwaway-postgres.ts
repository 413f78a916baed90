/**
 * A PostgreSQL store for one test file, also in the plain (SQLite) run of the suite: the suite's
 * own cluster when it runs on PostgreSQL (a fresh schema of it), otherwise a throwaway cluster
 * started by scripts/with-test-postgres.sh — the same script `npm run test:postgres` uses — kept
 * alive by a child that waits on its stdin; `close()` ends it and the script tears the cluster down.
 *
 *   const pg = await postgresStoreFor(path.join(work, 'fleet'));
 *   … repoclash … --db pg.url …
 *   await pg.close();
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './paths.js';
import { TEST_POSTGRES_URL, testStoreLocation } from './test-store.js';

export interface PostgresStore {
  url: string;
  close(): Promise<void>;
}

/** A throwaway cluster: its URL once it accepts connections; close() stops and deletes it. */
export function startThrowawayPostgres(): Promise<PostgresStore> {
  return new Promise((resolve, reject) => {
    // The script exports REPOCLASH_TEST_STORE to its command; ours prints it and waits for stdin to close.
    const child = spawn('bash', [path.join(repoRoot, 'scripts/with-test-postgres.sh'), 'bash', '-c', 'echo "$REPOCLASH_TEST_STORE"; exec cat >/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let started = false;
    const exited = new Promise<void>((done) => child.on('close', () => done()));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const url = stdout.split('\n')[0];
      if (!started && stdout.includes('\n') && url) {
        started = true;
        resolve({
          url,
          close: async () => {
            child.stdin.end();
            await exited;
          },
        });
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (!started) reject(new Error(`scripts/with-test-postgres.sh exited ${code} before the cluster started:\n${stderr}`));
    });
  });
}

/**
 * One PostgreSQL store named by `file`: under `npm run test:postgres` a schema of the suite's
 * cluster (testStoreLocation), otherwise a throwaway cluster of its own.
 */
export async function postgresStoreFor(file: string): Promise<PostgresStore> {
  if (TEST_POSTGRES_URL !== null) return { url: testStoreLocation(file), close: async () => undefined };
  return startThrowawayPostgres();
}
