/**
 * `upstream --refresh`: fetch the release feeds the packages map to, under the store's crawl lock
 * (the same lock, HTTP client and --no-wait as a repo crawl: refresh.ts), and say on stderr what
 * could not be fetched.
 */
import { safeLine } from '../sanitize.js';
import type { Store } from '../store/index.js';
import type { UpstreamMapping } from '../upstream/mapping.js';
import { refreshFeeds, type RefreshResult } from '../upstream/refresh.js';
import { sourceSettings } from '../upstream/settings.js';
import type { SourceKind } from '../upstream/types.js';
import type { RunContext } from './context.js';
import { httpClientFor, withCrawlLock } from './refresh.js';

export interface FeedRefreshOptions {
  /** Requests at once per API host. */
  concurrency: number;
  /** Hours a fetched feed is reused without asking. */
  maxAge: number;
  timeout?: number;
  retries?: number;
  wait?: boolean;
  quiet?: boolean;
  /** Only feeds of these sources (all when empty). */
  sources: readonly SourceKind[];
  now: number;
}

/** --refresh: fetch the mapped feeds under the crawl lock; true when some feed failed (partial data). */
export async function refreshMappedFeeds(run: RunContext, store: Store, mappings: readonly UpstreamMapping[], options: FeedRefreshOptions): Promise<boolean> {
  const { sources, now } = options;
  const settings = await sourceSettings(run.config.upstreamSources, options.concurrency);
  const checks = store.feedChecks();
  const maxAgeMs = options.maxAge * 3600_000;
  const results = await withCrawlLock(run, options, () =>
    refreshFeeds(
      mappings,
      {
        http: httpClientFor(options),
        cacheDir: run.cacheDir,
        settings,
        sink: store,
        maxAgeMs,
        skip: (key) => {
          const check = checks.get(key);
          return check?.status === 'not-found' && now - check.checkedAt < maxAgeMs;
        },
        ...(sources.length ? { sources } : {}),
      },
    ),
  );
  return reportFeedResults(results, options.quiet === true);
}

/** Say on stderr what could not be fetched; true when some feed failed (partial data). */
function reportFeedResults(results: RefreshResult, quiet: boolean): boolean {
  for (const line of feedResultLines(results, quiet)) process.stderr.write(`${line}\n`);
  return results.feeds.some((r) => r.status === 'failed');
}

/**
 * One line per failed feed, one per package none of whose candidate projects exists, one per
 * unconfigured source. Feed keys, package names and error texts come from repository metadata and
 * API servers: each line goes through safeLine (controls escaped, credentials redacted).
 */
export function feedResultLines(results: RefreshResult, quiet: boolean): string[] {
  const lines: string[] = [];
  const unconfigured = new Map<SourceKind, number>();
  for (const r of results.feeds) {
    if (r.status === 'failed') lines.push(`repoclash: ${r.message}`);
    else if (r.status === 'not-configured') unconfigured.set(r.source, (unconfigured.get(r.source) ?? 0) + 1);
  }
  if (!quiet) for (const u of results.unresolved) lines.push(`repoclash: upstream of ${u.name}: no such project (tried ${u.tried.join(', ')})`);
  for (const [source, n] of unconfigured) {
    if (!quiet) lines.push(`repoclash: upstream source ${source} has no address (set upstream-sources.${source} in repos.yaml): ${n} feed${n === 1 ? '' : 's'} skipped`);
  }
  return lines.map(safeLine);
}

