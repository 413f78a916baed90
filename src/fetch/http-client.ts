/**
 * Downloads over http(s) (got) and file:// with the behaviour a cron job on a production host
 * needs: bounded timeouts (a stalled body fails instead of hanging), bounded retries with
 * exponential backoff on 5xx / 429 / resets / timeouts, a redirect cap, conditional requests
 * (ETag / If-Modified-Since), a byte cap, and a user agent naming the tool. Content is never
 * transparently decompressed: checksums in repomd.xml and Release are of the bytes as served.
 */
import { constants, createReadStream, type WriteStream } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Agents, Response } from 'got';

// got is loaded on the first request, not at start-up: it is ~40% of the CLI's module loading,
// and audit, report and check without --refresh never fetch anything.
type GotModule = typeof import('got');
let gotModule: GotModule | null = null;
async function loadGot(): Promise<GotModule> {
  return (gotModule ??= await import('got'));
}
// The proxy agents, loaded like got: only when a request goes through a proxy.
type ProxyAgentModules = [typeof import('http-proxy-agent'), typeof import('https-proxy-agent')];
let proxyAgentModules: Promise<ProxyAgentModules> | null = null;
import { CacheError, ChecksumError, FetchError, SizeLimitError, type ErrorLocation } from '../errors.js';
import { cacheFailure } from './cache.js';
import { assertDigest, normalizeChecksumType, StreamDigest, type ExpectedDigest } from './checksum.js';
import { DEFAULT_FETCH_POLICY, type FetchPolicy } from './policy.js';
import { describeRoute, proxyEnvironment, selectProxy, type ProxyEnvironment, type ProxyRoute } from './proxy.js';
import { ENVIRONMENT_ONLY, type ProxySettings } from '../proxy-settings.js';
import { basicAuthorization, type Credentials } from './credentials.js';
import type { HttpsTrust } from './tls.js';

export const USER_AGENT = 'repoclash/0.1.0 (package repository collision auditor)';

/** What an index document of unknown size is assumed to be at most, for its deadline. */
const ASSUMED_INDEX_BYTES = 256 * 1024;

export interface Validators {
  etag?: string;
  lastModified?: string;
}

/** Response headers, lower-case names (rate-limit and pagination headers of JSON APIs). */
export type ResponseHeaders = Readonly<Record<string, string>>;

export type SmallResult =
  | { status: 'ok'; body: Buffer; validators: Validators; url: string; headers: ResponseHeaders }
  | { status: 'not-modified'; url: string; headers: ResponseHeaders }
  | { status: 'not-found'; url: string; headers: ResponseHeaders };

export interface DownloadResult {
  bytes: number;
  /** The digest computed while downloading (sha256 unless an expected digest named another type). */
  digest: { type: string; value: string };
}

/** Counters a crawl reports: what went over the wire. */
export interface TransferStats {
  requests: number;
  downloads: number;
  bytes: number;
}

/** What one request authenticates with and trusts (crawl/access.ts decides it per repo and URL). */
export interface RequestAccess {
  /** Sent as an Authorization header, to this URL only (a redirect asks again for its target). */
  credentials: Credentials | null;
  https?: HttpsTrust;
}

export type AccessFor = (url: string) => RequestAccess;

/** How one repo's requests connect, from its configuration: one object, passed through as it is. */
export interface ConnectionOptions {
  /** The repo's proxy settings; absent: the environment, read by curl's rules. */
  proxy?: ProxySettings;
  /** The repo's logins and TLS trust, per request URL; absent: none, the system's trust. */
  access?: AccessFor;
}

/** What every repo's view of one client shares: the counters, the environment it started with, the proxy agents. */
interface ClientCommon {
  stats: TransferStats;
  env: ProxyEnvironment;
  agents: Map<string, Promise<Agents>>;
}

export class HttpClient {
  readonly stats: TransferStats;

  constructor(
    readonly policy: FetchPolicy = DEFAULT_FETCH_POLICY,
    readonly connection: ConnectionOptions = {},
    private readonly common: ClientCommon = { stats: { requests: 0, downloads: 0, bytes: 0 }, env: proxyEnvironment(), agents: new Map() },
  ) {
    this.stats = common.stats;
  }

  /** This client for one repo: its connection options, the same counters and agents. */
  forRepo(connection: ConnectionOptions): HttpClient {
    return new HttpClient(this.policy, { ...this.connection, ...connection }, this.common);
  }

  /** Where a request for `url` goes: direct or through which proxy. */
  routeFor(url: string): ProxyRoute {
    if (!URL.canParse(url) || url.startsWith('file:')) return { kind: 'direct' }; // got reports a bad URL as it always did
    return selectProxy(this.connection.proxy ?? ENVIRONMENT_ONLY, this.common.env, new URL(url));
  }

  /** A small document (repomd.xml, InRelease, metalink) into memory, capped at `maxBytes`. */
  async fetchSmall(
    url: string,
    options: { where: ErrorLocation; validators?: Validators; maxBytes?: number; notFoundOk?: boolean; headers?: Readonly<Record<string, string>> },
  ): Promise<SmallResult> {
    const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
    const result = url.startsWith('file:')
      ? await this.readLocalSmall(url, options.where, maxBytes, options.validators)
      : await this.withRetries(url, options.where, this.deadlineFor(null), async (deadline, route) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const outcome = await this.stream(
            url,
            route,
            options.validators,
            options.where,
            deadline,
            (chunk) => {
              size += chunk.length;
              if (size > maxBytes) throw new SizeLimitError(`response larger than ${maxBytes} bytes`, { ...options.where, file: options.where.file ?? url });
              chunks.push(chunk);
            },
            options.headers,
          );
          if (isNotFound(outcome.status)) return { status: 'not-found', url, headers: outcome.headers } as const;
          if (outcome.status === 304) return { status: 'not-modified', url, headers: outcome.headers } as const;
          return { status: 'ok', body: Buffer.concat(chunks), validators: outcome.validators, url: outcome.url, headers: outcome.headers } as const;
        });
    if (result.status === 'not-found' && !options.notFoundOk) throw notFoundError(url, options.where);
    return result;
  }

  /**
   * Stream `url` into `dest` (via a temp file renamed on success), verifying size and digest on
   * the way. A failed or mismatching download leaves nothing at `dest`.
   */
  async download(url: string, dest: string, options: { where: ErrorLocation; expected?: ExpectedDigest; maxBytes: number; notFoundOk?: boolean }): Promise<DownloadResult | null> {
    const algorithm = normalizeChecksumType(options.expected?.type ?? 'sha256', options.where);
    const temp = `${dest}.part-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      const result = await this.withRetries(url, options.where, this.deadlineFor(options.expected?.size ?? null), async (deadline, route) => {
        const digest = new StreamDigest(algorithm);
        await rm(temp, { force: true }); // what a failed attempt left
        const file = await CacheFile.create(temp, options.where);
        const onChunk = (chunk: Buffer) => {
          digest.update(chunk);
          if (digest.bytes > options.maxBytes) throw new SizeLimitError(`download larger than ${options.maxBytes} bytes`, options.where);
          if (options.expected?.size != null && digest.bytes > options.expected.size) {
            throw new ChecksumError(`more data than the ${options.expected.size} bytes the index promised`, options.where);
          }
          return file.write(chunk);
        };
        let status: number;
        try {
          status = url.startsWith('file:')
            ? await this.readLocalStream(url, options.where, onChunk)
            : (await this.stream(url, route, undefined, options.where, deadline, onChunk)).status;
        } finally {
          await file.close();
        }
        if (isNotFound(status)) return null;
        if (options.expected) assertDigest(digest, options.expected, options.where);
        return { bytes: digest.bytes, digest: { type: algorithm, value: digest.hex() } };
      });
      if (result === null) {
        if (options.notFoundOk) return null;
        throw notFoundError(url, options.where);
      }
      this.stats.downloads++;
      try {
        await rename(temp, dest);
      } catch (err) {
        throw cacheFailure(err, dest, options.where);
      }
      return result;
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** got's beforeRedirect hook: the redirect target's own credentials, or none. */
  private authorizeRedirect(next: { url?: string | URL | undefined; headers: Record<string, string | string[] | undefined> }): void {
    const target = next.url === undefined ? null : this.connection.access?.(String(next.url)).credentials ?? null;
    if (target) next.headers.authorization = basicAuthorization(target);
    else delete next.headers.authorization;
  }

  /** When a file must have arrived, whatever the server does: the timeout plus its size at the slowest acceptable rate. */
  private deadlineFor(expectedBytes: number | null): number {
    const bytes = expectedBytes ?? ASSUMED_INDEX_BYTES;
    return Date.now() + this.policy.responseTimeoutMs + Math.ceil((bytes / this.policy.minBytesPerSecond) * 1000);
  }

  /** One GET; feeds body chunks to `onChunk`; resolves with the final status and validators. */
  private async stream(
    url: string,
    route: ProxyRoute,
    validators: Validators | undefined,
    where: ErrorLocation,
    deadline: number,
    onChunk: (chunk: Buffer) => void | Promise<void>,
    extraHeaders: Readonly<Record<string, string>> = {},
  ): Promise<{ status: number; validators: Validators; url: string; headers: ResponseHeaders }> {
    this.stats.requests++;
    // Extra headers (a JSON API's Accept, a token) first: the tool's own can't be overridden.
    const headers: Record<string, string> = { ...extraHeaders, 'user-agent': USER_AGENT, 'accept-encoding': 'identity' };
    if (validators?.etag) headers['if-none-match'] = validators.etag;
    if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
    const access = this.connection.access?.(url) ?? null;
    if (access?.credentials) headers.authorization = basicAuthorization(access.credentials);
    const { default: got } = await loadGot();
    const agent = route.kind === 'proxy' ? await this.agentsFor(route) : undefined;
    const request = got.stream(url, {
      ...(agent ? { agent } : {}),
      headers,
      ...(access?.https ? { https: access.https } : {}),
      // A redirect target gets the credentials that belong to it, if any: never the first URL's.
      hooks: { beforeRedirect: [(next) => this.authorizeRedirect(next)] },
      decompress: false,
      throwHttpErrors: false,
      followRedirect: true,
      maxRedirects: this.policy.maxRedirects,
      retry: { limit: 0 },
      timeout: {
        lookup: this.policy.connectTimeoutMs,
        connect: this.policy.connectTimeoutMs,
        secureConnect: this.policy.connectTimeoutMs,
        response: this.policy.responseTimeoutMs,
        socket: this.policy.idleTimeoutMs,
      },
    });
    // The total deadline: ends a body that trickles in too slowly for the idle timeout to notice.
    const started = Date.now();
    let expired: DeadlineError | null = null;
    const timer = setTimeout(() => {
      const received = request.downloadProgress.transferred;
      expired = new DeadlineError(
        `gave up after ${Math.round((Date.now() - started) / 1000)} s with ${received} bytes received: too slow (a file gets --timeout plus its size at ${this.policy.minBytesPerSecond / 1024} KiB/s)`,
        where,
      );
      request.destroy();
    }, Math.max(0, deadline - Date.now()));
    try {
      return await this.receive(request, url, where, onChunk, access?.credentials ?? null);
    } catch (err) {
      throw expired ?? err;
    } finally {
      clearTimeout(timer);
    }
  }

  private async receive(
    request: ReturnType<GotModule['default']['stream']>,
    url: string,
    where: ErrorLocation,
    onChunk: (chunk: Buffer) => void | Promise<void>,
    sent: Credentials | null,
  ): Promise<{ status: number; validators: Validators; url: string; headers: ResponseHeaders }> {
    const response = await new Promise<Response>((resolve, reject) => {
      request.once('response', resolve);
      request.once('error', reject);
    });
    const status = response.statusCode;
    const responseHeaders = flatHeaders(response.headers);
    if (status === 304 || isNotFound(status)) {
      request.destroy();
      return { status, validators: {}, url: response.url, headers: responseHeaders };
    }
    if (status < 200 || status >= 300) {
      request.destroy();
      const statusText = response.statusMessage ?? '';
      const message = `HTTP ${status}${statusText ? ` ${statusText}` : ''}: ${response.url}${authHint(status, sent)}`;
      throw new HttpStatusError(status, statusText, response.url, where, retryAfterMs(response.headers['retry-after']), responseHeaders, message);
    }
    const sink = new Transform({
      transform(chunk: Buffer, _enc, callback) {
        try {
          const wait = onChunk(chunk);
          if (wait) wait.then(() => callback(), callback);
          else callback();
        } catch (err) {
          callback(err as Error);
        }
      },
    });
    sink.resume();
    await pipeline(request, sink);
    const declared = response.headers['content-length'];
    const received = request.downloadProgress.transferred;
    if (declared !== undefined && Number(declared) !== received) {
      throw new FetchError(`connection closed after ${received} of ${declared} bytes: ${url}`, where);
    }
    this.stats.bytes += received;
    const v: Validators = {};
    const etag = response.headers.etag;
    const lastModified = response.headers['last-modified'];
    if (etag) v.etag = etag;
    if (lastModified) v.lastModified = lastModified;
    return { status, validators: v, url: response.url, headers: responseHeaders };
  }

  private async readLocalSmall(url: string, where: ErrorLocation, maxBytes: number, validators?: Validators): Promise<SmallResult> {
    this.stats.requests++;
    const file = fileURLToPath(url);
    try {
      const info = await stat(file);
      const lastModified = info.mtime.toUTCString();
      if (validators?.lastModified === lastModified) return { status: 'not-modified', url, headers: {} };
      if (info.size > maxBytes) throw new SizeLimitError(`file larger than ${maxBytes} bytes`, { ...where, file: where.file ?? file });
      const body = await readFile(file);
      this.stats.bytes += body.length;
      return { status: 'ok', body, validators: { lastModified }, url, headers: {} };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'not-found', url, headers: {} };
      if (err instanceof SizeLimitError) throw err;
      throw new FetchError(`cannot read ${file}: ${(err as Error).message}`, where, { cause: err });
    }
  }

  private async readLocalStream(url: string, where: ErrorLocation, onChunk: (chunk: Buffer) => void | Promise<void>): Promise<number> {
    this.stats.requests++;
    const file = fileURLToPath(url);
    try {
      for await (const chunk of createReadStream(file)) {
        const wait = onChunk(chunk as Buffer);
        if (wait) await wait;
        this.stats.bytes += (chunk as Buffer).length;
      }
      return 200;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 404;
      if (err instanceof SizeLimitError || err instanceof ChecksumError || err instanceof CacheError) throw err;
      throw new FetchError(`cannot read ${file}: ${(err as Error).message}`, where, { cause: err });
    }
  }

  /**
   * The agents for one proxy (http: requests in absolute form, as apt and curl send them; https:
   * a CONNECT tunnel), made once per proxy and credentials and kept for the run.
   */
  private agentsFor(route: Extract<ProxyRoute, { kind: 'proxy' }>): Promise<Agents> {
    const key = route.url.href;
    let agents = this.common.agents.get(key);
    if (agents === undefined) {
      agents = (proxyAgentModules ??= Promise.all([import('http-proxy-agent'), import('https-proxy-agent')])).then(([{ HttpProxyAgent }, { HttpsProxyAgent }]) => ({
        http: new HttpProxyAgent(route.url),
        https: new HttpsProxyAgent(route.url),
      }));
      this.common.agents.set(key, agents);
    }
    return agents;
  }

  /** Run `attempt` until it succeeds, fails for good, runs out of retries or passes `deadline`. */
  private async withRetries<T>(url: string, where: ErrorLocation, deadline: number, attempt: (deadline: number, route: ProxyRoute) => Promise<T>): Promise<T> {
    const route = this.routeFor(url);
    if (route.kind === 'unusable') throw new FetchError(route.message, where);
    for (let n = 0; ; n++) {
      try {
        return await attempt(deadline, route);
      } catch (err) {
        const failure = throughProxy(toFetchFailure(err, url, where), route, where);
        if (!failure.retryable || n >= this.policy.retries) throw failure.error;
        let wait = this.policy.backoffMs * 2 ** n;
        const asked = err instanceof HttpStatusError ? err.retryAfterMs : null;
        if (asked !== null) {
          if (asked > this.policy.maxRetryAfterMs) {
            throw new FetchError(`${failure.error.message} (the server asks to retry after ${Math.round(asked / 1000)} s, longer than the ${Math.round(this.policy.maxRetryAfterMs / 1000)} s repoclash waits)`, where);
          }
          wait = Math.max(wait, asked);
        }
        if (Date.now() + wait >= deadline) throw failure.error;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
}

/** 404 and 410: the file is not there (as opposed to a server failing). */
function isNotFound(status: number): boolean {
  return status === 404 || status === 410;
}

export function notFoundError(url: string, where: ErrorLocation): FetchError {
  return new FetchError(`not found: ${url}`, where);
}

/** got's headers (string | string[]) as one string per lower-case name. */
function flatHeaders(headers: Response['headers']): ResponseHeaders {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/** A non-2xx answer (other than 304/404/410); `status` and `headers` let callers tell a rate limit from a failure. */
export class HttpStatusError extends FetchError {
  constructor(
    readonly status: number,
    statusText: string,
    url: string,
    where: ErrorLocation,
    /** What Retry-After asked for, in ms; null without one. */
    readonly retryAfterMs: number | null = null,
    readonly headers: ResponseHeaders = {},
    message = `HTTP ${status}${statusText ? ` ${statusText}` : ''}: ${url}`,
  ) {
    super(message, where);
  }
}

/** What a 401 / 403 says about the login: whose was refused, or that none was sent (never the secret). */
function authHint(status: number, sent: Credentials | null): string {
  if (status !== 401 && status !== 403) return '';
  return sent ? ` (the login of ${sent.from} was refused)` : status === 401 ? ' (no login configured for this URL)' : '';
}

/** A file that did not arrive within its total deadline. */
class DeadlineError extends FetchError {}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in ms; null when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | null {
  if (header === undefined) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The object a temp file becomes: the name a user can look for. */
function withoutPartSuffix(file: string): string {
  return file.replace(/\.part-\d+-[a-z0-9]+$/, '');
}

/**
 * The temp file a download streams into: created exclusively (never through a planted link),
 * mode 0600; a write failure (disk full, no permission) becomes one CacheError naming the file
 * instead of an unhandled stream error.
 */
class CacheFile {
  private failure: Error | null = null;
  private readonly done: Promise<void>;

  static async create(file: string, where: ErrorLocation): Promise<CacheFile> {
    try {
      const handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
      return new CacheFile(handle.createWriteStream(), file, where);
    } catch (err) {
      throw cacheFailure(err, withoutPartSuffix(file), where);
    }
  }

  private constructor(
    private readonly stream: WriteStream,
    private readonly file: string,
    private readonly where: ErrorLocation,
  ) {
    this.done = new Promise<void>((resolve) => {
      this.stream.on('close', resolve);
      this.stream.on('error', (err) => {
        this.failure ??= err;
        resolve();
      });
    });
  }

  write(chunk: Buffer): Promise<void> | undefined {
    this.check();
    if (this.stream.write(chunk)) return undefined;
    return new Promise<void>((resolve) => {
      const go = () => {
        this.stream.off('drain', go);
        this.stream.off('error', go);
        resolve();
      };
      this.stream.on('drain', go);
      this.stream.on('error', go);
    }).then(() => this.check());
  }

  async close(): Promise<void> {
    this.stream.end();
    await this.done;
    this.check();
  }

  private check(): void {
    if (this.failure) throw cacheFailure(this.failure, withoutPartSuffix(this.file), this.where);
  }
}

/**
 * A failure on the way through a proxy names the proxy (never its credentials) and the setting
 * that chose it: "unreachable" is then the proxy's, and the user knows which file to look at.
 */
function throughProxy(failure: { retryable: boolean; error: Error }, route: ProxyRoute, where: ErrorLocation): { retryable: boolean; error: Error } {
  const { error } = failure;
  if (route.kind !== 'proxy' || error instanceof SizeLimitError || error instanceof ChecksumError || error instanceof CacheError) return failure;
  const message = `through ${describeRoute(route)}: ${error.message}`;
  const wrapped = error instanceof HttpStatusError ? new HttpStatusError(error.status, '', '', where, error.retryAfterMs, error.headers, message) : new FetchError(message, where, { cause: error });
  return { retryable: failure.retryable, error: wrapped };
}

/** Classify a failure: is another attempt worth it, and what one line does the user see? */
function toFetchFailure(err: unknown, url: string, where: ErrorLocation): { retryable: boolean; error: Error } {
  // Name the URL once: when the error's file already is the URL, don't repeat it in the message.
  const at = where.file === url ? '' : `: ${url}`;
  if (err instanceof HttpStatusError) return { retryable: err.status >= 500 || err.status === 429, error: err };
  if (err instanceof SizeLimitError || err instanceof ChecksumError || err instanceof CacheError || err instanceof DeadlineError) return { retryable: false, error: err };
  if (err instanceof FetchError) return { retryable: true, error: err };
  // A RequestError can only come from a request, so got is loaded by then.
  if (gotModule !== null && err instanceof gotModule.RequestError) {
    const { MaxRedirectsError, TimeoutError, ReadError } = gotModule;
    const code = err.code;
    if (err instanceof MaxRedirectsError) {
      return { retryable: false, error: new FetchError(`too many redirects (a redirect loop?)${at}`, where, { cause: err }) };
    }
    const transient = ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNREFUSED', 'ERR_STREAM_PREMATURE_CLOSE'].includes(code);
    const what =
      err instanceof TimeoutError
        ? `timed out (${err.event})`
        : code === 'ENOTFOUND'
          ? 'host not found'
          : code === 'ECONNREFUSED'
            ? 'connection refused'
            : code === 'ECONNRESET'
              ? 'connection reset'
              : err.message;
    return { retryable: transient || err instanceof TimeoutError || err instanceof ReadError, error: new FetchError(`${what}${at}`, where, { cause: err }) };
  }
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'EPIPE') {
    return { retryable: true, error: new FetchError(`connection reset${at}`, where, { cause: err }) };
  }
  return { retryable: false, error: new FetchError(`${message}${at}`, where, { cause: err }) };
}
