/**
 * JSON documents from release APIs through the project's fetch layer: HttpClient.fetchSmall
 * (timeouts, retries, byte cap, conditional requests) with bodies and validators kept in the
 * MetadataCache: a copy younger than maxAgeMs costs nothing, an older one one conditional request
 * (`304` when unchanged). Each host goes through the HostLimiter. A body is cached only
 * once it parsed as JSON; request headers (a token) are never cached or printed.
 */
import { FetchError, FormatError } from '../errors.js';
import type { MetadataCache } from '../fetch/cache.js';
import { HttpStatusError, type HttpClient, type ResponseHeaders } from '../fetch/http-client.js';
import { HostLimiter, RateLimitExhausted, waitFromHeaders } from './host-limiter.js';

export type JsonResult = { status: 'ok'; json: unknown; headers: ResponseHeaders; fresh: boolean } | { status: 'not-found' };

export interface JsonClientOptions {
  /** Largest body accepted (bytes). */
  maxBytes: number;
  /**
   * A cached copy younger than this (ms) is used without asking: release feeds change slowly, and
   * some registries (or the proxy in front of them) send no ETag / Last-Modified to revalidate with.
   */
  maxAgeMs: number;
}

export class JsonClient {
  constructor(
    private readonly http: HttpClient,
    private readonly cache: MetadataCache,
    private readonly limiter: HostLimiter,
    private readonly options: JsonClientOptions,
  ) {}

  /** GET `url` as JSON. `headers` may carry Accept or Authorization; neither is stored. */
  async get(url: string, headers: Readonly<Record<string, string>> = {}, maxBytes = this.options.maxBytes): Promise<JsonResult> {
    const host = new URL(url).host;
    const where = { file: url };
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.limiter.run(host, async () => {
          const cached = await this.cache.getIndex(url);
          if (cached && cached.entry.storedAt !== undefined && Date.now() - cached.entry.storedAt < this.options.maxAgeMs) {
            return { status: 'ok', json: parseJson(cached.body, url), headers: {}, fresh: false } as const;
          }
          const result = await this.http.fetchSmall(url, {
            where,
            maxBytes,
            notFoundOk: true,
            headers: { accept: 'application/json', ...headers },
            ...(cached ? { validators: cached.entry.validators } : {}),
          });
          this.limiter.observe(host, result.headers);
          if (result.status === 'not-found') return { status: 'not-found' } as const;
          const body = result.status === 'ok' ? result.body : cached?.body;
          if (body === undefined) throw new FetchError(`304 Not Modified without a cached copy: ${url}`, where);
          const json = parseJson(body, url);
          // A fresh body, or the cached one confirmed by a 304: (re)stored, so its age restarts.
          await this.cache.putIndex(url, result.status === 'ok' ? result.validators : cached!.entry.validators, body);
          return { status: 'ok', json, headers: result.headers, fresh: result.status === 'ok' } as const;
        });
      } catch (err) {
        // 403/429 with a rate-limit answer: wait for the window (once) if the host says it reopens soon.
        if (attempt === 0 && err instanceof HttpStatusError && (err.status === 403 || err.status === 429) && waitFromHeaders(err.headers, Date.now()) !== null) {
          this.limiter.observe(host, err.headers);
          continue;
        }
        if (err instanceof RateLimitExhausted) throw new FetchError(err.message, where, { cause: err });
        throw err;
      }
    }
  }
}

function parseJson(body: Buffer, url: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new FormatError(`malformed JSON: ${(err as Error).message}`, { file: url });
  }
}
