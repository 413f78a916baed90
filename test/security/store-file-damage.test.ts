/**
 * A damaged SQLite store file is one stderr line naming the file (exit 2), whether the damage is
 * met when the store opens (crawl) or first by a query (audit, report). About SQLite's own file,
 * so `npm run test:postgres` leaves this file out; the other faults are in faults.test.ts.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoclash } from '../support/cli.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { seededFaultStore } from '../support/hostile.js';
import { tearDown } from '../support/teardown.js';

let work: string;
let server: RepoServer;
let seedDb: string;

const rpmYaml = () => `  r:\n    vendor: V\n    role: upstream\n    format: rpm\n    baseurl: ${server.url}/rpm/\n`;

async function crawl(yaml: string, extra: string[], options: { db: string }) {
  const dir = path.dirname(options.db);
  await writeFile(path.join(dir, 'repos.yaml'), `repos:\n${yaml}`);
  const run = await repoclash(dir, ['crawl', '--config', path.join(dir, 'repos.yaml'), '--db', options.db, '--cache', path.join(dir, 'cache'), '--retries', '0', ...extra]);
  return { ...run, lines: run.stderr.trim().split('\n') };
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-store-damage-'));
  server = await startRepoServer({ root: path.join(work, 'www') });
  seedDb = await seededFaultStore(work, rpmYaml());
}, 120_000);

afterAll(() => tearDown(work, server));

describe('a damaged store file', () => {
  it('a store with corrupt pages is one line naming the file, exit 2', async () => {
    const dir = path.join(work, 'corrupt');
    await mkdir(dir);
    const db = path.join(dir, 'store.db');
    await writeFile(db, await readFile(seedDb));
    const seed = new Database(seedDb, { readonly: true });
    const pageSize = Number(seed.pragma('page_size', { simple: true }));
    seed.close();
    const bytes = await readFile(db);
    // Keep page 1 (the header and schema), scribble over every later page.
    bytes.fill(0xa5, pageSize);
    await writeFile(db, bytes);
    const r = await crawl(rpmYaml(), [], { db });
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([`repoclash: ${db}: database disk image is malformed: the store is damaged; move it aside or restore a backup (the next crawl starts a new one)`]);
  });

  it('damage first met by a query after the open (audit, report) is the same one line, exit 2', async () => {
    const dir = path.join(work, 'corrupt-late');
    await mkdir(dir);
    await writeFile(path.join(dir, 'repos.yaml'), `repos:\n${rpmYaml()}profiles:\n  p: { repos: [r] }\n`);
    const db = path.join(dir, 'store.db');
    // Scribble over the version rows' root page only: the open (schema, migrations) succeeds and
    // the damage is first met by the command's queries.
    const seed = new Database(seedDb, { readonly: true });
    const pageSize = Number(seed.pragma('page_size', { simple: true }));
    const rootPage = Number(seed.prepare(`SELECT rootpage FROM sqlite_master WHERE name = 'version_tracks'`).pluck().get());
    seed.close();
    const bytes = await readFile(seedDb);
    bytes.fill(0xa5, (rootPage - 1) * pageSize + 8, rootPage * pageSize);
    await writeFile(db, bytes);
    for (const command of [['audit'], ['report', '--out', path.join(dir, 'reports')]]) {
      const r = await repoclash(dir, [...command, '--config', path.join(dir, 'repos.yaml'), '--db', db, '--cache', path.join(dir, 'cache')]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([`repoclash: ${db}: database disk image is malformed: the store is damaged; move it aside or restore a backup (the next crawl starts a new one)`]);
    }
  });
});
