/** debRelations() of the SQLite store (../deb-relations.ts), in PostgreSQL. */
import { debRelationsSql, toStoredDebRelations } from '../deb-relations.js';
import type { StoredDebRelations } from '../types.js';
import type { PgConnection } from './connection.js';

export function debRelations(db: PgConnection, repoIds: readonly string[], names: readonly string[]): StoredDebRelations[] {
  if (repoIds.length === 0 || names.length === 0) return [];
  const list = (n: number) => `(SELECT json_array_elements_text($${n}::json))`;
  return db.rows(debRelationsSql(list(1), list(2)), [JSON.stringify(repoIds), JSON.stringify(names)]).map(toStoredDebRelations);
}
