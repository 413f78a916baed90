/** A CrawlContext for tests: short timeouts, no retries unless asked, caches and caps sized for fixtures. */
import path from 'node:path';
import type { CrawlContext } from '../../src/crawl/context.js';
import { MetadataCache } from '../../src/fetch/cache.js';
import { HttpClient } from '../../src/fetch/http-client.js';
import type { FetchPolicy } from '../../src/fetch/policy.js';
import type { Store } from '../../src/store/index.js';

export const TEST_FETCH_POLICY: FetchPolicy = { retries: 0, backoffMs: 10, connectTimeoutMs: 2000, responseTimeoutMs: 3000, idleTimeoutMs: 3000, maxRedirects: 5, minBytesPerSecond: 64 * 1024, maxRetryAfterMs: 10_000 };

export function testCrawlContext(store: Store, cacheDir: string, overrides: Partial<CrawlContext> & { policy?: Partial<FetchPolicy> } = {}): CrawlContext {
  const { policy, ...rest } = overrides;
  return {
    http: new HttpClient({ ...TEST_FETCH_POLICY, ...policy }),
    cache: new MetadataCache(cacheDir),
    store,
    now: () => Date.now(),
    accept: false,
    maxDecompressedBytes: 64 * 1024 * 1024,
    maxDownloadBytes: 64 * 1024 * 1024,
    configDir: path.dirname(cacheDir),
    aptRoot: path.dirname(cacheDir),
    ...rest,
  };
}
