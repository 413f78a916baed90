/**
 * How patient a download is: timeouts, retries, redirects. Its own module, without the HTTP client,
 * so the command-line options can show the defaults in --help without loading got.
 */
export interface FetchPolicy {
  /** Attempts after the first, for retryable failures. */
  retries: number;
  /** First backoff delay; doubles each attempt. */
  backoffMs: number;
  connectTimeoutMs: number;
  /** Time to the first response byte. */
  responseTimeoutMs: number;
  /** Longest silence while a body is streaming (catches stalled servers). */
  idleTimeoutMs: number;
  maxRedirects: number;
  /**
   * The slowest transfer rate a file may average before its total deadline ends it: a server that
   * drips a byte now and then never trips the idle timeout, but it cannot outlast
   * `responseTimeoutMs + expected size / minBytesPerSecond`.
   */
  minBytesPerSecond: number;
  /** The longest Retry-After (429 / 503) waited for; a server asking for more fails the file. */
  maxRetryAfterMs: number;
}

export const DEFAULT_FETCH_POLICY: FetchPolicy = {
  retries: 3,
  backoffMs: 1000,
  connectTimeoutMs: 15_000,
  responseTimeoutMs: 60_000,
  idleTimeoutMs: 60_000,
  maxRedirects: 10,
  minBytesPerSecond: 64 * 1024,
  maxRetryAfterMs: 120_000,
};
