/**
 * The version sort key beside each stored version (`version_tracks.sort_key`, migration 8): the
 * order-preserving key of src/formats/sort-key.ts for the repo's format, so SQL can pick a name's
 * best version with `max(sort_key)`. Computed in JS (at staging, and here for rows written before
 * the column existed or under another format) so every store backend fills it the same way.
 */
import type { PackageFormat } from '../formats/types.js';
import { versionScheme } from '../formats/version-scheme.js';
import type { Db } from './db.js';
import { hasVersionClosed } from './screens.js';

/** Rows read per round: bounded memory on a store of millions of versions. */
const BATCH = 5000;

type KeyInputRow = [id: number, format: PackageFormat, epoch: number, version: string, release: string];

/**
 * (Re)compute the sort key of every version row, or only of `repoId`'s rows, from its repo's
 * stored format. Runs inside the caller's transaction; returns the rows written.
 */
export function fillSortKeys(db: Db, repoId: string | null = null): number {
  const select = db
    .prepare<{ after: number; repo: string | null; batch: number }, KeyInputRow>(
      `SELECT v.id, r.format, v.epoch, v.version, v.release
       FROM version_tracks AS v JOIN repos AS r ON r.id = v.repo_id
       WHERE v.id > @after AND (@repo IS NULL OR v.repo_id = @repo)
       ORDER BY v.id LIMIT @batch`,
    )
    .raw();
  const update = db.prepare<[string, number]>('UPDATE version_tracks SET sort_key = ? WHERE id = ?');
  let after = 0;
  let count = 0;
  for (;;) {
    const rows = select.all({ after, repo: repoId, batch: BATCH });
    if (rows.length === 0) break;
    for (const [id, format, epoch, version, release] of rows) update.run(versionScheme(format).sortKey({ epoch, version, release }), id);
    count += rows.length;
    after = rows[rows.length - 1]![0];
  }
  return hasVersionClosed(db) ? count + fillClosedSortKeys(db, repoId) : count;
}

type ClosedKeyRow = [repoId: string, name: string, arch: string, firstSeen: number, id: number, format: PackageFormat, epoch: number, version: string, release: string];

/** fillSortKeys() over the closed intervals (version_closed, migration 14), paged along their primary key. */
function fillClosedSortKeys(db: Db, repoId: string | null): number {
  const select = db
    .prepare<{ repo: string | null; from: string | null; name: string; arch: string; firstSeen: number; id: number; batch: number }, ClosedKeyRow>(
      `SELECT v.repo_id, v.name, v.arch, v.first_seen, v.id, r.format, v.epoch, v.version, v.release
       FROM version_closed AS v JOIN repos AS r ON r.id = v.repo_id
       WHERE (@repo IS NULL OR v.repo_id = @repo)
         AND (@from IS NULL OR (v.repo_id, v.name, v.arch, v.first_seen, v.id) > (@from, @name, @arch, @firstSeen, @id))
       ORDER BY v.repo_id, v.name, v.arch, v.first_seen, v.id LIMIT @batch`,
    )
    .raw();
  const update = db.prepare<[string, string, string, string, number, number]>(
    'UPDATE version_closed SET sort_key = ? WHERE repo_id = ? AND name = ? AND arch = ? AND first_seen = ? AND id = ?',
  );
  let page = { from: null as string | null, name: '', arch: '', firstSeen: 0, id: 0 };
  let count = 0;
  for (;;) {
    const rows = select.all({ repo: repoId, ...page, batch: BATCH });
    if (rows.length === 0) return count;
    for (const [repo, name, arch, firstSeen, id, format, epoch, version, release] of rows) {
      update.run(versionScheme(format).sortKey({ epoch, version, release }), repo, name, arch, firstSeen, id);
    }
    count += rows.length;
    const [from, name, arch, firstSeen, id] = rows[rows.length - 1]!;
    page = { from, name, arch, firstSeen, id };
  }
}
