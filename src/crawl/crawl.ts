/**
 * Crawl a set of repos concurrently. One repo's failure is one outcome line; the others go on,
 * and what the failed repo had stored stays as it was.
 */
import pLimit from 'p-limit';
import { storeFailure } from '../store/index.js';
import { FetchError, isRepoclashError, StoreError, type RepoclashError } from '../errors.js';
import type { RepoConfig } from '../config/types.js';
import type { CrawlContext, RepoOutcome } from './context.js';
import { httpForRepo } from './access.js';

export const DEFAULT_CONCURRENCY = 8;

export async function crawlRepos(repos: readonly RepoConfig[], ctx: CrawlContext, concurrency = DEFAULT_CONCURRENCY): Promise<RepoOutcome[]> {
  const limit = pLimit(concurrency);
  return Promise.all(repos.map((repo) => limit(() => crawlOne(repo, ctx))));
}

export async function crawlOne(repo: RepoConfig, ctx: CrawlContext): Promise<RepoOutcome> {
  try {
    return await crawlOneRepo(repo, ctx);
  } catch (err) {
    // A damaged store is not one repo's failure: it ends the command (exit 2), naming the file.
    throw storeFailure(err, ctx.store.path);
  }
}

async function crawlOneRepo(repo: RepoConfig, ctx: CrawlContext): Promise<RepoOutcome> {
  const started = performance.now();
  ctx.store.upsertRepo({ id: repo.id, vendor: repo.vendor, role: repo.role, format: repo.format }, ctx.now());
  // Another crawler of the same store (PostgreSQL) may be on this repo: wait for it, then reuse what it stored.
  const unlock = await ctx.store.lockRepo(repo.id);
  try {
    return await crawlLockedRepo(repo, ctx, started);
  } finally {
    unlock();
  }
}

async function crawlLockedRepo(repo: RepoConfig, base: CrawlContext, started: number): Promise<RepoOutcome> {
  // The repo's requests connect as its configuration says (its proxy).
  let ctx: CrawlContext = repo.proxy ? { ...base, http: base.http.forRepo({ proxy: repo.proxy }) } : base;
  // What the repo's logins and TLS settings have to tell (once per run), failed crawl or not.
  const accessNotes: string[] = [];
  try {
    if (repo.access) ctx = { ...ctx, http: await httpForRepo(ctx.http, repo, ctx.configDir, accessNotes) };
    // Each format's crawler loads with its first repo: a Debian host's crawl never loads the rpm
    // side (its XML parsers were ~40 ms of a cold crawl's start-up), nor a Fedora host's the deb side.
    const outcome = repo.format === 'rpm' ? await (await import('./rpm.js')).crawlRpmRepo(repo, ctx) : await (await import('./deb.js')).crawlDebRepo(repo, ctx);
    ctx.onProgress?.(repo.id, { phase: 'done', packages: outcome.packages });
    return { ...outcome, notes: [...accessNotes, ...outcome.notes], ms: performance.now() - started };
  } catch (err) {
    if (err instanceof StoreError || storeFailure(err, ctx.store.path) !== err) throw err;
    const error: RepoclashError = isRepoclashError(err)
      ? err.locate({ repo: repo.id })
      : new FetchError(err instanceof Error ? err.message : String(err), { repo: repo.id }, { cause: err });
    ctx.store.recordRepoEvent({ repoId: repo.id, at: ctx.now(), kind: error.kind === 'rollback' ? 'rollback' : 'failure', message: error.describe() });
    ctx.onProgress?.(repo.id, { phase: 'done' });
    return { repoId: repo.id, status: 'failed', packages: 0, added: 0, removed: 0, ms: performance.now() - started, error, notes: accessNotes };
  }
}
