/**
 * Fetch the release feeds that distro packages map to and store them: one fetch per distinct feed,
 * sources running side by side within their hosts' limits. A feed that fails is reported in one
 * line naming the source, the project and the packages that map to it, and stores nothing but the
 * failed check; the others go on.
 */
import pLimit from 'p-limit';
import { isRepoclashError } from '../errors.js';
import { MetadataCache } from '../fetch/cache.js';
import type { HttpClient } from '../fetch/http-client.js';
import type { FeedCheck, FeedReleaseInput } from '../store/index.js';
import { HostLimiter } from './host-limiter.js';
import { JsonClient } from './json-client.js';
import { contradictsHomepage, type UpstreamMapping } from './mapping.js';
import { hostPolicy, type SourceSettings } from './settings.js';
import { RELEASE_SOURCES } from './sources/index.js';
import { feedKey, type FeedRef, type SourceKind } from './types.js';

/** What refresh writes to; the Store implements it. */
export interface FeedSink {
  recordFeedReleases(feed: string, releases: readonly FeedReleaseInput[], projectUrls: readonly string[], at: number): { added: number };
  recordFeedCheck(feed: string, status: 'not-found' | 'failed', message: string | null, at: number): void;
}

export interface FeedResult {
  feed: string;
  source: SourceKind;
  /** Distro names mapped to it. */
  names: string[];
  status: FeedCheck['status'] | 'not-configured';
  releases: number;
  added: number;
  /** One line for the user when it failed or does not exist. */
  message?: string;
  /** What the feed says its project is (ok only). */
  projectUrls?: string[];
}

export interface RefreshOptions {
  http: HttpClient;
  cacheDir: string;
  settings: SourceSettings;
  sink: FeedSink;
  /** Only feeds of these sources. */
  sources?: readonly SourceKind[];
  /** Cap on a JSON response (bytes); default 64 MiB (the largest npm packuments are tens of MB). */
  maxBytes?: number;
  maxPages?: number;
  now?: () => number;
  /** A cached feed younger than this (ms) is not asked for again; default 6 hours. */
  maxAgeMs?: number;
  /** Feeds not to ask for (a recent "no such project"): the chain moves straight on. */
  skip?: (feedKey: string) => boolean;
  /** Called once per feed as it finishes (progress, failure lines). */
  onResult?: (result: FeedResult) => void;
}

export const DEFAULT_FEED_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_FEED_MAX_AGE_MS = 6 * 3600_000;

/** The feeds a mapping may use, in order (the chain's steps of the wanted sources). */
function candidateFeeds(mapping: UpstreamMapping, sources?: readonly SourceKind[]): FeedRef[] {
  return mapping.steps.map((s) => s.feed).filter((f) => !sources || sources.includes(f.source));
}

/**
 * Fetch what `mappings` need: for each package the first feed of its chain; when that project does
 * not exist (404), the next one — `node-foo-bar` tries npm `foo-bar`, then `@foo/bar`, … — so a
 * guessed name costs a request only when the better guess missed. Each feed is fetched once however
 * many packages map to it.
 */
export interface RefreshResult {
  /** Every feed asked for, once each. */
  feeds: FeedResult[];
  /** Packages none of whose feeds exists (every candidate answered "no such project"), with what was tried. */
  unresolved: Array<{ name: string; tried: string[] }>;
}

export async function refreshFeeds(mappings: readonly UpstreamMapping[], options: RefreshOptions): Promise<RefreshResult> {
  const now = options.now ?? Date.now;
  const limiter = new HostLimiter(hostPolicy(options.settings));
  const json = new JsonClient(options.http, new MetadataCache(options.cacheDir), limiter, {
    maxBytes: options.maxBytes ?? DEFAULT_FEED_MAX_BYTES,
    maxAgeMs: options.maxAgeMs ?? DEFAULT_FEED_MAX_AGE_MS,
  });
  // Hosts limit themselves; this only bounds how many feeds are in flight overall.
  const overall = pLimit(options.settings.concurrency * 2);
  const fetched = new Map<string, Promise<FeedResult>>();
  const namesOf = new Map<string, Set<string>>();

  const fetchFeed = (ref: FeedRef): Promise<FeedResult> => {
    const key = feedKey(ref);
    let pending = fetched.get(key);
    if (!pending) {
      pending = overall(async (): Promise<FeedResult> => {
        const names = () => [...(namesOf.get(key) ?? [])].sort();
        const base = { feed: key, source: ref.source, releases: 0, added: 0 };
        const baseUrl = options.settings.baseUrls[ref.source];
        if (baseUrl === undefined) {
          return { ...base, names: names(), status: 'not-configured', message: `upstream ${key}: source ${ref.source} has no address (set upstream-sources.${ref.source} in repos.yaml)` };
        }
        try {
          const outcome = await RELEASE_SOURCES[ref.source].releases(ref, {
            json,
            baseUrl,
            maxPages: options.maxPages ?? 10,
            authHeaders: options.settings.authHeaders[ref.source] ?? {},
          });
          if (!outcome.found) {
            options.sink.recordFeedCheck(key, 'not-found', 'no such project', now());
            return { ...base, names: names(), status: 'not-found', message: `upstream ${key} (${names().join(', ')}): no such project at ${ref.source}` };
          }
          const { added } = options.sink.recordFeedReleases(key, outcome.releases, outcome.projectUrls, now());
          return { ...base, names: names(), status: 'ok', releases: outcome.releases.length, added, projectUrls: outcome.projectUrls };
        } catch (err) {
          const detail = oneLine(err);
          options.sink.recordFeedCheck(key, 'failed', detail, now());
          return { ...base, names: names(), status: 'failed', message: `upstream ${key} (${names().join(', ')}): ${detail}` };
        }
      });
      fetched.set(key, pending);
      void pending.then((r) => options.onResult?.(r));
    }
    return pending;
  };

  const unresolved: RefreshResult['unresolved'] = [];
  await Promise.all(
    mappings.map(async (m) => {
      const tried: string[] = [];
      for (const ref of candidateFeeds(m, options.sources)) {
        const key = feedKey(ref);
        tried.push(key);
        if (options.skip?.(key)) continue;
        let names = namesOf.get(key);
        if (!names) namesOf.set(key, (names = new Set()));
        names.add(m.name);
        const result = await fetchFeed(ref);
        if (result.status === 'not-found') continue;
        // A guessed name whose project is another repository than the Homepage's: try the next guess.
        const step = m.steps.find((st) => feedKey(st.feed) === key);
        if (result.status === 'ok' && step?.rule === 'naming' && contradictsHomepage(m.homepage, result.projectUrls)) continue;
        return;
      }
      if (tried.some((k) => fetched.has(k))) {
        // Something was found (only contradicted guesses): the mapping settles on it, not unresolved.
        const results = await Promise.all(tried.filter((k) => fetched.has(k)).map((k) => fetched.get(k)!));
        if (results.some((r) => r.status !== 'not-found')) return;
      }
      if (tried.length > 0) unresolved.push({ name: m.name, tried });
    }),
  );
  return { feeds: await Promise.all(fetched.values()), unresolved: unresolved.sort((a, b) => (a.name < b.name ? -1 : 1)) };
}

/** An error as one line; the URL once even when both the location and the message name it. */
function oneLine(err: unknown): string {
  if (!isRepoclashError(err)) return err instanceof Error ? err.message : String(err);
  return err.file && err.message.includes(err.file) ? err.message : err.describe();
}
