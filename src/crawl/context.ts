/** What every repo crawl shares: the HTTP client, the cache, the store and the policies. */
import type { MetadataCache } from '../fetch/cache.js';
import type { HttpClient } from '../fetch/http-client.js';
import type { RepoclashError } from '../errors.js';
import type { Store } from '../store/index.js';

export interface CrawlContext {
  http: HttpClient;
  cache: MetadataCache;
  store: Store;
  /** ms since the epoch; injectable so tests can stand crawls weeks apart. */
  now: () => number;
  /** Store metadata that goes backwards or shrinks by more than half (after a human looked). */
  accept: boolean;
  /** Cap on decompressed bytes per index file. */
  maxDecompressedBytes: number;
  /** Cap on downloaded bytes per index file. */
  maxDownloadBytes: number;
  /** Directory relative key files are resolved against (the config file's). */
  configDir: string;
  /** Root whose /etc/apt/trusted.gpg.d is apt's default trust (for deb repos without a key). */
  aptRoot: string;
  /** Called as a repo's crawl moves on (for the TTY progress display). */
  onProgress?: (repoId: string, state: RepoProgress) => void;
}

export interface RepoProgress {
  phase: 'index' | 'download' | 'parse' | 'store' | 'done';
  packages?: number;
  bytes?: number;
}

export type RepoStatus = 'changed' | 'unchanged' | 'failed';

export interface RepoOutcome {
  repoId: string;
  status: RepoStatus;
  packages: number;
  /** Versions that appeared / vanished with this crawl. */
  added: number;
  removed: number;
  /** Names with a version that appeared, vanished or changed metadata with this crawl ('changed' only). */
  changedNames?: readonly string[];
  ms: number;
  error?: RepoclashError;
  /** Things the user should know that did not fail the repo (a stale mirror skipped…). */
  notes: string[];
}
