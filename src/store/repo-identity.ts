/**
 * Renaming a stored repo: how stores written before repos were identified by their location (a
 * host's repos were stored under their `[section]` name) keep their history. The first run that
 * meets a host repo under its new id adopts the old rows once; later runs of other hosts with the
 * same section name then start histories of their own instead of mixing into that one.
 */
import { StoreError } from '../errors.js';
import type { Db } from './db.js';

/** Tables whose rows name a repo (the PostgreSQL store renames the same ones). */
export const REPO_COLUMNS: readonly (readonly [table: string, column: string])[] = [
  ['snapshots', 'repo_id'],
  ['version_tracks', 'repo_id'],
  ['version_closed', 'repo_id'],
  ['repo_events', 'repo_id'],
  ['winner_tracks', 'repo_id'],
  ['version_rollbacks', 'repo_id'],
  ['past_vendors', 'repo_id'],
  ['repo_vendors', 'repo_id'],
];

export function hasRepo(db: Db, id: string): boolean {
  return (db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM repos WHERE id = ?').get(id)?.n ?? 0) > 0;
}

/**
 * Move every row of repo `from` to repo `to` in one transaction. Refuses when `to` already exists
 * (two histories are never merged). Returns false when there is no `from`.
 */
export function renameRepo(db: Db, from: string, to: string): boolean {
  return db
    .transaction(() => {
      if (!hasRepo(db, from)) return false;
      if (hasRepo(db, to)) throw new StoreError(`cannot rename repo ${from} to ${to}: that repo already has data`, { repo: from });
      // The children follow the parent within the transaction; foreign keys are checked at commit.
      db.pragma('defer_foreign_keys = ON');
      db.prepare('UPDATE repos SET id = ? WHERE id = ?').run(to, from);
      for (const [table, column] of REPO_COLUMNS) db.prepare(`UPDATE ${table} SET ${column} = ? WHERE ${column} = ?`).run(to, from);
      return true;
    })
    .immediate();
}
