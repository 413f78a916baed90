/**
 * The fetch steps every repo crawl is made of: an index document fetched conditionally (a 304
 * reuses the cached body), the stop when that index is the one already stored, and data files
 * fetched by checksum into the content-addressed cache.
 */
import { FetchError, type ErrorLocation } from '../errors.js';
import { validDigest } from '../fetch/cache.js';
import { decompress } from '../fetch/decompress.js';
import type { Validators } from '../fetch/http-client.js';
import type { Snapshot } from '../store/index.js';
import type { CrawlContext, RepoOutcome } from './context.js';

export interface FetchedIndex {
  url: string;
  body: Buffer;
  /** The server said 304 and the cached body was used. */
  notModified: boolean;
  /** Remember the validators; call only once the crawl of the repo has succeeded. */
  remember(): Promise<void>;
}

/** GET an index document conditionally. null when the server says 404 (and notFoundOk). */
export async function fetchIndex(ctx: CrawlContext, url: string, where: ErrorLocation, notFoundOk = false): Promise<FetchedIndex | null> {
  const cached = await ctx.cache.getIndex(url);
  const validators: Validators | undefined = cached?.entry.validators;
  const result = await ctx.http.fetchSmall(url, { where: { ...where, file: where.file ?? url }, ...(validators ? { validators } : {}), notFoundOk });
  if (result.status === 'not-found') return null; // fetchSmall already threw unless notFoundOk
  if (result.status === 'not-modified') {
    if (!cached) throw new FetchError(`server answered 304 to an unconditional request: ${url}`, where);
    return { url, body: cached.body, notModified: true, remember: async () => undefined };
  }
  return {
    url,
    body: result.body,
    notModified: false,
    remember: () => ctx.cache.putIndex(url, result.validators, result.body),
  };
}

/**
 * When the index's checksum equals the stored snapshot's, only the check is recorded (and the
 * index's validators remembered): the outcome to return. null when the index changed.
 */
export async function unchangedOutcome(
  ctx: CrawlContext,
  repoId: string,
  index: FetchedIndex,
  indexChecksum: string,
  previous: Snapshot | null,
  checkedAt: number,
  notes: string[],
): Promise<Omit<RepoOutcome, 'ms'> | null> {
  if (previous?.indexChecksum !== indexChecksum) return null;
  ctx.store.recordUnchanged(repoId, indexChecksum, checkedAt);
  await index.remember();
  return { repoId, status: 'unchanged', packages: previous.packageCount, added: 0, removed: 0, notes };
}

export interface ExpectedFile {
  type: string;
  value: string;
  size: number | null;
}

/**
 * Make sure the file with this checksum is in the cache, trying `urls` in order (by-hash first,
 * mirrors next). Returns its path; downloads nothing when it is already there.
 */
export async function ensureCached(ctx: CrawlContext, urls: readonly string[], expected: ExpectedFile, where: ErrorLocation): Promise<{ path: string; downloaded: boolean }> {
  const digest = validDigest(expected, where);
  const path = ctx.cache.objectPath(digest, where);
  if (await ctx.cache.verifiedObject({ ...digest, size: expected.size }, where)) return { path, downloaded: false };
  await ctx.cache.prepareDirectory(path, where);
  let lastError: unknown;
  for (const [i, url] of urls.entries()) {
    const isLast = i === urls.length - 1;
    try {
      const result = await ctx.http.download(url, path, {
        where: { ...where, file: where.file ?? url },
        expected: { type: digest.type, value: expected.value, size: expected.size },
        maxBytes: ctx.maxDownloadBytes,
        notFoundOk: !isLast,
      });
      if (result !== null) return { path, downloaded: true };
    } catch (err) {
      lastError = err;
      if (isLast) throw err;
    }
  }
  throw lastError instanceof Error ? lastError : new FetchError(`no location served ${expected.value}`, where);
}

/**
 * A cached file's decompressed bytes, streamed, with the size cap applied and the compressed bytes
 * verified again on the way (a ChecksumError ends the stream before the caller commits).
 */
export function readCached(ctx: CrawlContext, expected: ExpectedFile, where: ErrorLocation): AsyncGenerator<Uint8Array> {
  return decompress(ctx.cache.readVerified(expected, where), { where, maxBytes: ctx.maxDecompressedBytes });
}

export function joinUrl(base: string, relative: string): string {
  return (base.endsWith('/') ? base : `${base}/`) + relative.replace(/^\/+/, '');
}
