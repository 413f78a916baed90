/**
 * Per-host state of the `host` audit: for each installed package, whether the last run found it
 * stranded. One host's rows are replaced as a whole by each run (one transaction), so the table
 * holds exactly the last run's view of every host that shares this store.
 */
import type { Db } from './db.js';
import type { HostPackageState } from './types.js';

/** The last run's view of `host` ("name\tarch" → stranded), or null when it never ran. */
export function previousHostState(db: Db, host: string): Map<string, boolean> | null {
  const rows = db
    .prepare<[string], { name: string; arch: string; stranded: number }>('SELECT name, arch, stranded FROM host_packages WHERE host = ?')
    .all(host);
  if (rows.length === 0) return null;
  return new Map(rows.map((r) => [`${r.name}\t${r.arch}`, r.stranded === 1]));
}

/** Replace `host`'s state with this run's. */
export function saveHostState(db: Db, host: string, packages: readonly HostPackageState[], at: number): void {
  const remove = db.prepare('DELETE FROM host_packages WHERE host = ?');
  const insert = db.prepare('INSERT OR REPLACE INTO host_packages (host, name, arch, stranded, seen_at) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    remove.run(host);
    for (const p of packages) insert.run(host, p.name, p.arch, p.stranded ? 1 : 0, at);
  }).immediate();
}
