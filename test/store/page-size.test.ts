/**
 * A store file created now has 16 KiB pages (src/store/db.ts: fewer, larger pages make a first
 * crawl's bulk writes cheaper); a store created with SQLite's default 4 KiB pages keeps them and
 * goes on working, since SQLite cannot change a WAL database's page size in place.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { NEW_STORE_PAGE_SIZE } from '../../src/store/db.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { REPO_A, meta, put, rec, tempDir } from '../support/store-builders.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function pageSize(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('page_size', { simple: true }) as number;
  } finally {
    db.close();
  }
}

describe('the page size of a store file', () => {
  it('is 16 KiB for a new store', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = path.join(t.dir, 'new.db');
    const store = SqliteStore.open({ path: file });
    store.upsertRepo(REPO_A, 0);
    put(store, meta('fedora', 86_400_000, 'a'), [rec('bash', '5.2')]);
    store.close();
    expect(NEW_STORE_PAGE_SIZE).toBe(16_384);
    expect(pageSize(file)).toBe(NEW_STORE_PAGE_SIZE);
  });

  it('stays 4 KiB for a store created with 4 KiB pages, which opens, migrates and takes a crawl as before', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = path.join(t.dir, 'old.db');
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE IF NOT EXISTS leftover (x INTEGER)');
    old.close();
    expect(pageSize(file)).toBe(4096);
    const store = SqliteStore.open({ path: file });
    store.upsertRepo(REPO_A, 0);
    put(store, meta('fedora', 86_400_000, 'a'), [rec('bash', '5.2')]);
    expect(store.currentVersions().map((v) => v.name)).toEqual(['bash']);
    store.close();
    expect(pageSize(file)).toBe(4096);
  });
});
