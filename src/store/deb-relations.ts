/**
 * Reading deb versions' relationship fields (table deb_relations, filled at crawl staging by
 * repo-update.ts): only a `host` run on an apt root asks, for the installed names' current versions.
 */
import type { Db } from './db.js';
import type { DebRelationFields, StoredDebRelations } from './types.js';

type RelationRow = [repoId: string, name: string, arch: string, evr: string, sourceName: string | null, known: number, depends: string | null, preDepends: string | null, conflicts: string | null, breaks: string | null, provides: string | null, phased: number | null, phasedSourceVersion: string | null];

/** The one SQL of both stores (PostgreSQL binds its lists differently: `names` and `repos` are the list expressions). */
export function debRelationsSql(repos: string, names: string): string {
  return `SELECT v.repo_id, v.name, v.arch, v.evr, v.source_name, r.version_id IS NOT NULL,
                 r.depends, r.pre_depends, r.conflicts, r.breaks, r.provides, r.phased_percentage, r.phased_source_version
          FROM version_tracks AS v LEFT JOIN deb_relations AS r ON r.version_id = v.id
          WHERE v.repo_id IN ${repos} AND v.name IN ${names} AND v.last_seen IS NULL`;
}

export function toStoredDebRelations(row: readonly unknown[]): StoredDebRelations {
  const [repoId, name, arch, evr, sourceName, known, depends, preDepends, conflicts, breaks, provides, phased, phasedSourceVersion] = row as RelationRow;
  const fields: DebRelationFields | null = known
    ? {
        depends: depends ?? null,
        preDepends: preDepends ?? null,
        conflicts: conflicts ?? null,
        breaks: breaks ?? null,
        provides: provides ?? null,
        // PostgreSQL's INTEGER comes back as a number too; a stored NULL is "not phased".
        phasedUpdatePercentage: phased === null || phased === undefined ? null : Number(phased),
        phasedSourceVersion: phasedSourceVersion ?? null,
      }
    : null;
  return { repoId, name, arch, evr, sourceName: sourceName ?? null, fields };
}

/** The current versions of `names` in `repoIds`, each with its relations (null: stored before they were). */
export function debRelations(db: Db, repoIds: readonly string[], names: readonly string[]): StoredDebRelations[] {
  if (repoIds.length === 0 || names.length === 0) return [];
  const sql = debRelationsSql('(SELECT value FROM json_each(?))', '(SELECT value FROM json_each(?))');
  return db.prepare<[string, string], unknown[]>(sql).raw().all(JSON.stringify(repoIds), JSON.stringify(names)).map(toStoredDebRelations);
}
