import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { defaultStorePath } from '../../src/store/db.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, schemaVersion } from '../../src/store/migrations.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { tempDir } from '../support/store-builders.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
function freshPath(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return path.join(t.dir, 'nested', 'repoclash.db');
}

describe('migrations', () => {
  it('are numbered 1…n without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('create the schema from an empty file, with WAL and foreign keys on', () => {
    const file = freshPath();
    const store = SqliteStore.open({ path: file });
    try {
      expect(schemaVersion(store.db)).toBe(LATEST_SCHEMA_VERSION);
      const tables = store.db
        .prepare<[], { name: string }>(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
        .all()
        .map((r) => r.name);
      expect(tables).toEqual(
        expect.arrayContaining(['repos', 'snapshots', 'version_tracks', 'winner_tracks', 'reports', 'repo_events', 'schema_version']),
      );
      expect(tables.some((t) => t.includes('staging'))).toBe(false);
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(store.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    } finally {
      store.close();
    }
  });

  it('reopen without re-applying anything', () => {
    const file = freshPath();
    SqliteStore.open({ path: file }).close();
    const store = SqliteStore.open({ path: file });
    try {
      const rows = store.db.prepare<[], { version: number }>('SELECT version FROM schema_version ORDER BY version').all();
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      store.close();
    }
  });

  it('refuse a schema newer than this code knows', () => {
    const file = freshPath();
    SqliteStore.open({ path: file }).close();
    const raw = new Database(file);
    raw.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(LATEST_SCHEMA_VERSION + 1, 'future', 0);
    raw.close();
    expect(() => SqliteStore.open({ path: file })).toThrow(StoreError);
    expect(() => SqliteStore.open({ path: file })).toThrow(/newer than this repoclash knows/);
    expect(() => SqliteStore.open({ path: file, readonly: true })).toThrow(StoreError);
  });

  it('readonly open refuses a missing or unmigrated store instead of creating one', () => {
    const file = freshPath();
    expect(() => SqliteStore.open({ path: file, readonly: true })).toThrow(StoreError);
    SqliteStore.open({ path: file }).close();
    const unmigrated = path.join(path.dirname(file), 'x.db');
    new Database(unmigrated).close();
    expect(() => SqliteStore.open({ path: unmigrated, readonly: true })).toThrow(/older than/);
    const reader = SqliteStore.open({ path: file, readonly: true });
    expect(reader.repos()).toEqual([]);
    reader.close();
  });
});

describe('defaultStorePath', () => {
  it('uses an absolute XDG_DATA_HOME', () => {
    expect(defaultStorePath({ XDG_DATA_HOME: '/data' }, '/home/u')).toBe('/data/repoclash/repoclash.db');
  });
  it('falls back to ~/.local/share for an unset, empty or relative XDG_DATA_HOME', () => {
    for (const env of [{}, { XDG_DATA_HOME: '' }, { XDG_DATA_HOME: 'rel/dir' }]) {
      expect(defaultStorePath(env, '/home/u')).toBe('/home/u/.local/share/repoclash/repoclash.db');
    }
  });
});
