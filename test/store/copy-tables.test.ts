/**
 * `store copy` moves a SQLite history to PostgreSQL table by table from a hand-kept list: a
 * migration that adds a table and forgets the list would leave that table's rows behind silently.
 */
import { describe, expect, it } from 'vitest';
import { COPIED_TABLES } from '../../src/store/postgres/copy.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

describe('store copy', () => {
  it('copies every table the migrations create (all but schema_version)', () => {
    const store = SqliteStore.open({ path: ':memory:' });
    try {
      const tables = store.db
        .prepare<[], { name: string }>(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_version'`)
        .all()
        .map((r) => r.name);
      expect(tables.length).toBeGreaterThan(10);
      expect([...COPIED_TABLES].sort()).toEqual(tables.sort());
    } finally {
      store.close();
    }
  });
});
