/**
 * The first crawl into a SQLite store that does not exist yet builds it beside its path and moves
 * it there when done (src/store/new-store.ts). What a user sees must be a store like any other: at
 * its path (the default one included), in WAL mode, whole, with nothing left beside it; a
 * leftover of a killed first crawl is no obstacle; a crawl with a failed repo keeps what it
 * stored; a store that exists is written in place; and a store another process made meanwhile is
 * never replaced.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { newStoreAside } from '../../src/store/new-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { repoclash } from '../support/cli.js';
import { startRepoServer, type RepoServer } from '../support/http-server.js';
import { buildRpmRepo } from '../support/rpm-repo.js';
import { REPO_A, meta, put, rec } from '../support/store-builders.js';

let work: string;
let server: RepoServer;
let config: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'repoclash-new-store-'));
  await buildRpmRepo({ dir: path.join(work, 'www/distro'), rpms: [{ name: 'grafana', version: '9.0', release: '1', vendor: 'Fedora Project' }, { name: 'zsh', version: '5.9', release: '1', vendor: 'Fedora Project' }] });
  server = await startRepoServer({ root: path.join(work, 'www') });
  config = path.join(work, 'repos.yaml');
  await writeFile(
    config,
    `repos:
  distro: { vendor: Fedora Project, role: distro, format: rpm, baseurl: "${server.url}/distro/" }
  gone: { vendor: Gone, role: third-party, format: rpm, baseurl: "http://127.0.0.1:9/gone/" }
profiles:
  p: { repos: [distro, gone] }
`,
  );
}, 300_000);

afterAll(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A directory of its own for one case. */
async function caseDir(name: string): Promise<string> {
  const dir = path.join(work, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** The store at `file` as a reader finds it: journal mode, integrity, what it holds. */
function storeFacts(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    return {
      journal: db.pragma('journal_mode', { simple: true }),
      integrity: db.pragma('integrity_check', { simple: true }),
      versions: db.prepare('SELECT name FROM version_tracks ORDER BY name').pluck().all(),
      winners: db.prepare('SELECT name FROM winner_tracks WHERE to_at IS NULL ORDER BY name').pluck().all(),
    };
  } finally {
    db.close();
  }
}

const crawl = (dir: string, extra: string[]) => repoclash(dir, ['crawl', '--config', config, '--retries', '0', ...extra]);

describe('a new store', () => {
  it('is at the default path after a first crawl, in WAL mode and whole, with nothing beside it; the failed repo is told and what the other stored is kept', async () => {
    const dir = await caseDir('default');
    const r = await crawl(dir, []);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('gone');
    const storeDir = path.join(dir, 'data', 'repoclash');
    expect(readdirSync(storeDir).filter((f) => f.startsWith('repoclash.db')).sort()).toEqual(['repoclash.db']);
    expect(storeFacts(path.join(storeDir, 'repoclash.db'))).toEqual({ journal: 'wal', integrity: 'ok', versions: ['grafana', 'zsh'], winners: ['grafana', 'zsh'] });
  });

  it('is built over the leftovers of a first crawl killed while building it', async () => {
    const dir = await caseDir('leftover');
    const db = path.join(dir, 'store.db');
    await writeFile(`${db}.new`, 'half a store');
    await writeFile(`${db}.new-journal`, 'its journal');
    const r = await crawl(dir, ['--db', `sqlite:${db}`]);
    expect(r.code).toBe(3);
    expect(readdirSync(dir).filter((f) => f.startsWith('store.db.new'))).toEqual([]);
    expect(storeFacts(db)).toMatchObject({ journal: 'wal', integrity: 'ok', versions: ['grafana', 'zsh'] });
  });

  it('is written in place once it exists: a later crawl keeps the file, and no store is built beside it', async () => {
    const dir = await caseDir('existing');
    const db = path.join(dir, 'store.db');
    expect((await crawl(dir, ['--db', `sqlite:${db}`])).code).toBe(3);
    const inode = statSync(db).ino;
    await buildRpmRepo({ dir: path.join(work, 'www/distro'), rpms: [{ name: 'grafana', version: '10.0', release: '1', vendor: 'Fedora Project' }] });
    expect((await crawl(dir, ['--db', `sqlite:${db}`])).code).toBe(3);
    expect(statSync(db).ino).toBe(inode);
    expect(existsSync(`${db}.new`)).toBe(false);
    // zsh left the repo: its interval closed (version_closed), grafana's moved on.
    expect(storeFacts(db)).toEqual({ journal: 'wal', integrity: 'ok', versions: ['grafana'], winners: ['grafana'] });
  });
});

describe('moving a new store into place', () => {
  it('never replaces a store another process made meanwhile: it says so and keeps this one beside it', async () => {
    const dir = await caseDir('raced');
    const file = path.join(dir, 'store.db');
    const building = newStoreAside(file)!;
    const built = SqliteStore.open({ path: building.aside, aside: true });
    built.upsertRepo(REPO_A, 0);
    put(built, meta('fedora', 86_400_000, 'a'), [rec('bash', '5.2')]);
    built.close();
    // Another process's store appears at the path before this one is moved there.
    const other = SqliteStore.open({ path: file });
    other.close();
    expect(() => building.place()).toThrow(StoreError);
    expect(() => building.place()).toThrow(`this crawl's store is kept at ${building.aside}`);
    expect(storeFacts(file).versions).toEqual([]);
    expect(storeFacts(building.aside)).toMatchObject({ journal: 'wal', integrity: 'ok', versions: ['bash'] });
  });

  it('is not asked for a store that exists, nor for PostgreSQL or an in-memory store', async () => {
    const dir = await caseDir('not-asked');
    const file = path.join(dir, 'store.db');
    SqliteStore.open({ path: file }).close();
    expect(newStoreAside(file)).toBeNull();
    expect(newStoreAside('postgres://localhost/repoclash')).toBeNull();
    expect(newStoreAside(':memory:')).toBeNull();
  });
});
