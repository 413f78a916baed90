/**
 * `../sort-keys.ts` in PostgreSQL: (re)compute the version sort key (migration 8) of every version
 * row, or of one repo's, in JS from its repo's stored format, a batch of rows per round trip.
 * Runs inside the caller's transaction; returns the rows written.
 */
import type { PackageFormat } from '../../formats/types.js';
import { versionScheme } from '../../formats/version-scheme.js';
import type { PgConnection, SqlValue } from './connection.js';
import { hasVersionClosed } from './screens.js';

const BATCH = 5000;

export function fillSortKeys(db: PgConnection, repoId: string | null = null): number {
  let after = 0;
  let count = 0;
  for (;;) {
    const rows = db.rows(
      `SELECT v.id, r.format, v.epoch, v.version, v.release FROM version_tracks AS v JOIN repos AS r ON r.id = v.repo_id
       WHERE v.id > $1 AND ($2::text IS NULL OR v.repo_id = $2) ORDER BY v.id LIMIT $3`,
      [after, repoId, BATCH],
    );
    if (rows.length === 0) break;
    const keys = rows.map(([id, format, epoch, version, release]) => ({
      id,
      key: versionScheme(format as PackageFormat).sortKey({ epoch: epoch as number, version: version as string, release: release as string }),
    }));
    db.rows(`UPDATE version_tracks AS v SET sort_key = k.key FROM json_to_recordset($1::json) AS k (id bigint, key text) WHERE v.id = k.id`, [JSON.stringify(keys)]);
    count += rows.length;
    after = rows[rows.length - 1]![0] as number;
  }
  return hasVersionClosed(db) ? count + fillClosedSortKeys(db, repoId) : count;
}

/** fillSortKeys() over the closed intervals (version_closed, migration 14), paged along their primary key. */
function fillClosedSortKeys(db: PgConnection, repoId: string | null): number {
  let page: SqlValue[] = [null, '', '', 0, 0];
  let count = 0;
  for (;;) {
    const rows = db.rows(
      `SELECT v.repo_id, v.name, v.arch, v.first_seen, v.id, r.format, v.epoch, v.version, v.release
       FROM version_closed AS v JOIN repos AS r ON r.id = v.repo_id
       WHERE ($1::text IS NULL OR v.repo_id = $1)
         AND ($2::text IS NULL OR (v.repo_id, v.name, v.arch, v.first_seen, v.id) > ($2::text, $3::text, $4::text, $5::bigint, $6::bigint))
       ORDER BY v.repo_id, v.name, v.arch, v.first_seen, v.id LIMIT $7`,
      [repoId, ...page, BATCH],
    );
    if (rows.length === 0) return count;
    const keys = rows.map(([repo, name, arch, firstSeen, id, format, epoch, version, release]) => ({
      repo,
      name,
      arch,
      first_seen: firstSeen,
      id,
      key: versionScheme(format as PackageFormat).sortKey({ epoch: epoch as number, version: version as string, release: release as string }),
    }));
    db.rows(
      `UPDATE version_closed AS v SET sort_key = k.key
       FROM json_to_recordset($1::json) AS k (repo text, name text, arch text, first_seen bigint, id bigint, key text)
       WHERE v.repo_id = k.repo AND v.name = k.name AND v.arch = k.arch AND v.first_seen = k.first_seen AND v.id = k.id`,
      [JSON.stringify(keys)],
    );
    count += rows.length;
    page = rows[rows.length - 1]!.slice(0, 5);
  }
}
