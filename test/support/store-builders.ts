/** Shared helpers for the store tests: temp directories and synthetic version records. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/index.js';
import type { RepoFacts, SnapshotMeta, VersionRecord } from '../../src/store/types.js';

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'repoclash-store-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function rec(name: string, version: string, release = '1', extra: Partial<VersionRecord> = {}): VersionRecord {
  const epoch = extra.epoch ?? 0;
  return {
    name,
    arch: 'x86_64',
    epoch,
    version,
    release,
    evr: `${epoch ? `${epoch}:` : ''}${version}-${release}`,
    vendor: 'Example Vendor',
    sourceName: `${name}-src`,
    url: `https://example.invalid/${name}`,
    summary: `${name} does things`,
    buildTime: 1_700_000_000,
    ...extra,
  };
}

/** `count` distinct packages pkg-000000… at version `1.<generation>`: a synthetic repo index. */
export function* synthetic(count: number, generation = 0, prefix = 'pkg'): Generator<VersionRecord> {
  for (let i = 0; i < count; i++) {
    yield rec(`${prefix}-${String(i).padStart(6, '0')}`, `1.${generation}`, `${1 + (i % 7)}.el9`, {
      buildTime: 1_700_000_000 + i,
    });
  }
}

export const REPO_A: RepoFacts = { id: 'fedora', vendor: 'Fedora Project', role: 'distro', format: 'rpm' };
export const REPO_B: RepoFacts = { id: 'grafana', vendor: 'Grafana Labs', role: 'third-party', format: 'rpm' };

export function meta(repoId: string, fetchedAt: number, indexChecksum: string, extra: Partial<SnapshotMeta> = {}): SnapshotMeta {
  return { repoId, fetchedAt, indexChecksum, revision: String(fetchedAt / 1000), metadataTime: fetchedAt / 1000, ...extra };
}

export function memoryStore(...repos: RepoFacts[]): SqliteStore {
  const store = SqliteStore.open({ path: ':memory:' });
  for (const r of repos) store.upsertRepo(r, 0);
  return store;
}

/** Commit `records` as a new snapshot of `repoId`. */
export function put(store: Store, m: SnapshotMeta, records: Iterable<VersionRecord>) {
  const update = store.beginRepoUpdate(m);
  update.addMany(records);
  return update.commit();
}

/** Every row of a table, for before/after comparisons. */
export function dump(store: SqliteStore, table: string): unknown[] {
  return store.db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all();
}

export function stagingRows(store: SqliteStore): number {
  const exists = store.db
    .prepare<[], { n: number }>(`SELECT count(*) AS n FROM temp.sqlite_schema WHERE name = 'staging_versions'`)
    .get();
  if (!exists?.n) return 0;
  return store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM temp.staging_versions').get()?.n ?? 0;
}
