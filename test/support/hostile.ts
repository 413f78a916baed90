/**
 * What a test of hostile repository metadata checks besides the exit code and the error line:
 * that the crawl read and wrote nothing outside its cache and store (planted files keep a 1970
 * atime, so any read shows; every other file keeps its size and mtime), and that the stored data
 * did not change.
 */
import { mkdir, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoclash } from './cli.js';
import { buildRpmRepo } from './rpm-repo.js';
import { openStoreByLabel, testStoreLocation } from './test-store.js';

/** Files a crawl must not open: their atime is set far in the past, so a read (even under relatime) moves it. */
export async function plantUntouchable(files: readonly string[]): Promise<() => Promise<string[]>> {
  const before = new Map<string, number>();
  for (const file of files) {
    const info = await stat(file);
    await utimes(file, 86_400, info.mtime);
    before.set(file, (await stat(file)).atimeMs);
  }
  return async () => {
    const touched: string[] = [];
    for (const [file, atime] of before) if ((await stat(file)).atimeMs !== atime) touched.push(file);
    return touched;
  };
}

/** Size and mtime of every file under `dir`, except below `exclude`. */
export async function fileTree(dir: string, exclude: readonly string[] = []): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (exclude.some((e) => full === e || full.startsWith(e + path.sep))) continue;
      if (entry.isDirectory()) await walk(full);
      else {
        const info = await stat(full).catch(() => null);
        out.set(full, info ? `${info.size}:${info.mtimeMs}` : 'dangling');
      }
    }
  };
  await walk(dir);
  return out;
}

/** What a store holds for these repos: current versions and snapshot counts, comparable with toEqual. */
export function storedState(db: string, repoIds: readonly string[]): { versions: string[]; snapshots: number[] } {
  const store = openStoreByLabel({ path: testStoreLocation(db), readonly: true });
  try {
    return {
      versions: store
        .currentVersions([...repoIds])
        .map((v) => `${v.repoId} ${v.name} ${v.evr} ${v.url ?? ''}`)
        .sort(),
      snapshots: repoIds.map((id) => store.snapshots(id).length),
    };
  } finally {
    store.close();
  }
}

/**
 * The fault tests' starting point: repo `r` (`rpmYaml`, baseurl …/rpm/) serving tool 1.0 from
 * `work/www/rpm`, crawled once into `work/seed/store.db` — a SQLite file on either store (each case
 * starts from a copy: copyTestStore, or the file itself for tests about SQLite's file). Returns its path.
 */
export async function seededFaultStore(work: string, rpmYaml: string): Promise<string> {
  await buildRpmRepo({ dir: path.join(work, 'www/rpm'), rpms: [{ name: 'tool', version: '1.0', release: '1', vendor: 'V' }], revision: '1' });
  const seed = path.join(work, 'seed');
  await mkdir(seed);
  const seedDb = path.join(seed, 'store.db');
  await writeFile(path.join(seed, 'repos.yaml'), `repos:\n${rpmYaml}`);
  const run = await repoclash(seed, ['crawl', '--config', path.join(seed, 'repos.yaml'), '--db', `sqlite:${seedDb}`, '--cache', path.join(seed, 'cache')]);
  if (run.code !== 0) throw new Error(`the seed crawl failed (exit ${run.code}): ${run.stderr}`);
  return seedDb;
}
