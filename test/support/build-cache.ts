/**
 * Content-addressed cache for built packages under test/.build/. Building is cheap but not free
 * (rpmbuild ~0.1–0.3 s), and many tests share the same packages, so each spec is built once per
 * checkout. Two vitest workers may race on the same spec: each builds into a private temp dir and
 * renames it into place; the loser discards its copy.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertDistinctFileNames, mapLimited } from './exec.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const buildRoot = path.join(repoRoot, 'test', '.build');

export function cacheKey(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);
}

/**
 * Return the single file in `cacheDir/key/`, building it with `build(tmpDir)` when missing.
 * `build` must write exactly one file into tmpDir.
 */
export async function cachedBuild(cacheDir: string, key: string, build: (tmpDir: string) => Promise<void>): Promise<string> {
  const entry = path.join(cacheDir, key);
  const existing = await singleFile(entry);
  if (existing) return existing;
  await mkdir(cacheDir, { recursive: true });
  const tmp = await mkdtemp(path.join(cacheDir, `.tmp-${key}-`));
  try {
    await build(tmp);
    if (!(await singleFile(tmp))) throw new Error(`build for ${key} did not leave exactly one file in ${tmp}`);
    try {
      await rename(tmp, entry);
    } catch (e) {
      // Another worker won the race; its result is equivalent.
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const built = await singleFile(entry);
  if (!built) throw new Error(`cache entry ${entry} is empty after build`);
  return built;
}

async function singleFile(dir: string): Promise<string | undefined> {
  try {
    const names = await readdir(dir);
    return names.length === 1 && names[0] !== undefined ? path.join(dir, names[0]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Build (or take from the cache) one artifact per spec with `buildOne`, then copy them into
 * `outDir`, refusing two specs that produce the same file name. Returns the copies' paths.
 */
export async function buildIntoDir<T>(specs: readonly T[], outDir: string, buildOne: (spec: T) => Promise<string>): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const cached = await mapLimited(specs as T[], 2, buildOne);
  assertDistinctFileNames(cached, outDir);
  return Promise.all(
    cached.map(async (src: string) => {
      const dest = path.join(outDir, path.basename(src));
      await copyFile(src, dest);
      return dest;
    }),
  );
}
