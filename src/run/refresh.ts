/**
 * Crawling for a command: the refresh policy (which repos `--refresh` crawls), the crawl lock, and
 * the crawl itself with the winners recorded after it. `crawl` and every command that refreshes
 * run through here, so they lock, time out, retry and report failures alike.
 */
import type { RepoConfig } from '../config/types.js';
import type { CrawlContext, RepoOutcome, RepoProgress } from '../crawl/context.js';
import { DEFAULT_CONCURRENCY } from '../crawl/defaults.js';
import { MetadataCache } from '../fetch/cache.js';
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../fetch/decompress.js';
import { HttpClient } from '../fetch/http-client.js';
import { DEFAULT_FETCH_POLICY } from '../fetch/policy.js';
import { acquireCrawlLock, newStoreAside } from '../store/index.js';
import type { RunContext } from './context.js';
import type { CrawlRunOptions, RefreshOptions } from './options.js';
import { ProgressLine } from './progress-line.js';
import { withStore } from './store-access.js';

/** The largest file a crawl downloads. */
const MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024;

export interface CrawlResult {
  outcomes: RepoOutcome[];
  /** Repos whose crawl failed: each already has its stderr line. */
  failedRepos: Set<string>;
}

/**
 * What `--refresh` crawls, for every command: the repos of the selected profiles and of the
 * upgrade paths through them (a regression needs both sides fresh), enabled ones only.
 */
export function reposToRefresh(run: Pick<RunContext, 'config' | 'selectedProfiles'>): RepoConfig[] {
  const wanted = new Set(run.selectedProfiles.flatMap((p) => p.repos));
  for (const upgradePath of run.config.upgradePaths) {
    if (!upgradePath.profiles.some((n) => run.selectedProfiles.some((p) => p.name === n))) continue;
    for (const n of upgradePath.profiles) for (const id of run.config.profiles.get(n)?.repos ?? []) wanted.add(id);
  }
  return [...wanted].map((id) => run.config.repos.get(id)!).filter((r) => r.enabled);
}

/** With --refresh (host: unless --no-refresh): crawl reposToRefresh(run); null when not asked to. */
export async function refreshIfAsked(run: RunContext, options: RefreshOptions & { quiet?: boolean }, showProgress = false): Promise<CrawlResult | null> {
  return options.refresh ? crawlWithLock(run, reposToRefresh(run), options, showProgress) : null;
}

/** The HTTP client of a crawl or a feed refresh: --timeout (seconds) and --retries over the defaults. */
export function httpClientFor(options: { timeout?: number; retries?: number }): HttpClient {
  const seconds = options.timeout ?? DEFAULT_FETCH_POLICY.responseTimeoutMs / 1000;
  return new HttpClient({
    ...DEFAULT_FETCH_POLICY,
    retries: options.retries ?? DEFAULT_FETCH_POLICY.retries,
    connectTimeoutMs: Math.min(seconds, 15) * 1000,
    responseTimeoutMs: seconds * 1000,
    idleTimeoutMs: seconds * 1000,
  });
}

/** Hold the store's crawl lock while `work` runs: wait for another crawl (saying so), or with --no-wait fail (exit 4). */
export async function withCrawlLock<T>(run: Pick<RunContext, 'dbPath'>, options: { wait?: boolean; quiet?: boolean }, work: () => Promise<T>): Promise<T> {
  const release = await acquireCrawlLock(run.dbPath, {
    wait: options.wait !== false,
    onWait: (h) => process.stderr.write(`repoclash: waiting for the crawl of pid ${h.pid} on ${h.hostname} (started ${new Date(h.startedAt).toISOString()}) to finish…\n`),
    onStale: (h) => {
      if (!options.quiet) process.stderr.write(`repoclash: taking over a stale lock left by pid ${h.pid}\n`);
    },
  });
  try {
    return await work();
  } finally {
    release();
  }
}

/**
 * Take the store lock, crawl `repos`, record who wins now, release. Prints one stderr line per
 * failed repo, whatever --quiet says: that line is what exit code 3 promises.
 */
export async function crawlWithLock(run: RunContext, repos: readonly RepoConfig[], options: CrawlRunOptions & { quiet?: boolean }, showProgress: boolean): Promise<CrawlResult> {
  // The crawler and the winner resolution load here, when a crawl runs: a command without --refresh
  // reads the store without them (start-up cost; test/architecture/startup.test.ts).
  const [{ crawlRepos }, { recordWinners }] = await Promise.all([import('../crawl/crawl.js'), import('./winners.js')]);
  return withCrawlLock(run, options, async () => {
    // No store yet: it is built beside its path and moved there once closed (store/new-store.ts).
    const building = newStoreAside(run.dbPath);
    const crawl = withStore(building === null ? run : { ...run, dbPath: building.aside }, async (store) => {
      const progress = showProgress ? new ProgressLine(repos.length) : null;
      const ctx: CrawlContext = {
        http: httpClientFor(options),
        cache: new MetadataCache(run.cacheDir),
        store,
        now: () => Date.now(),
        accept: options.accept === true,
        maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
        maxDownloadBytes: MAX_DOWNLOAD_BYTES,
        configDir: run.configDir,
        aptRoot: run.root,
        ...(progress ? { onProgress: (id: string, p: RepoProgress) => progress.update(id, p) } : {}),
      };
      const outcomes = await crawlRepos(repos, ctx, options.concurrency ?? DEFAULT_CONCURRENCY);
      progress?.finish();
      const failed = outcomes.filter((o) => o.status === 'failed');
      for (const o of failed) process.stderr.write(`repoclash: ${o.error?.describe() ?? `repo ${o.repoId}: failed`}\n`);
      // Who wins each name, recorded as a history: ping-pong is read from it.
      // Only the names whose versions changed are re-resolved (see recordWinners).
      const changed = new Map(outcomes.filter((o) => o.status === 'changed').map((o) => [o.repoId, o.changedNames ?? []]));
      if (changed.size > 0) recordWinners(store, run.config, ctx.now(), changed);
      return { outcomes, failedRepos: new Set(failed.map((o) => o.repoId)) };
    }, building === null ? {} : { aside: true });
    if (building === null) return crawl;
    let crawled: CrawlResult;
    try {
      crawled = await crawl;
    } catch (err) {
      // What the crawl committed before failing is kept, as in a store that existed; its error is the one told.
      try {
        building.place();
      } catch {
        // the crawl's error below says what went wrong first
      }
      throw err;
    }
    building.place();
    return crawled;
  });
}
