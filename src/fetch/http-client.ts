/**
 * Downloads over http(s) (got) and file:// with the behaviour a cron job on a production host
 * needs: bounded timeouts (a stalled body fails instead of hanging), bounded retries with
 * exponential backoff on 5xx / 429 / resets / timeouts, a redirect cap, conditional requests
 * (ETag / If-Modified-Since), a byte cap, and a user agent naming the tool. Content is never
 * transparently decompressed: checksums in repomd.xml and Release are of the bytes as served.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { fileURLToPath } from 'node:url';
import got, { RequestError, type Response } from 'got';
import { ChecksumError, FetchError, SizeLimitError, type ErrorLocation } from '../errors.js';
import { assertDigest, normalizeChecksumType, StreamDigest, type ExpectedDigest } from './checksum.js';

export const USER_AGENT = 'repoclash/0.1.0 (package repository collision auditor)';

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
}

export const DEFAULT_FETCH_POLICY: FetchPolicy = {
  retries: 3,
  backoffMs: 1000,
  connectTimeoutMs: 15_000,
  responseTimeoutMs: 60_000,
  idleTimeoutMs: 60_000,
  maxRedirects: 10,
};

export interface Validators {
  etag?: string;
  lastModified?: string;
}

export type SmallResult =
  | { status: 'ok'; body: Buffer; validators: Validators; url: string }
  | { status: 'not-modified'; url: string }
  | { status: 'not-found'; url: string };

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

export class HttpClient {
  readonly stats: TransferStats = { requests: 0, downloads: 0, bytes: 0 };

  constructor(readonly policy: FetchPolicy = DEFAULT_FETCH_POLICY) {}

  /** A small document (repomd.xml, InRelease, metalink) into memory, capped at `maxBytes`. */
  async fetchSmall(url: string, options: { where: ErrorLocation; validators?: Validators; maxBytes?: number; notFoundOk?: boolean }): Promise<SmallResult> {
    const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
    if (url.startsWith('file:')) return this.readLocalSmall(url, options.where, maxBytes, options.validators);
    return this.withRetries(url, options.where, async () => {
      const chunks: Buffer[] = [];
      let size = 0;
      const outcome = await this.stream(url, options.validators, options.where, (chunk) => {
        size += chunk.length;
        if (size > maxBytes) throw new SizeLimitError(`response larger than ${maxBytes} bytes`, { ...options.where, file: options.where.file ?? url });
        chunks.push(chunk);
      });
      if (outcome.status === 404 && options.notFoundOk) return { status: 'not-found', url } as const;
      if (outcome.status === 304) return { status: 'not-modified', url } as const;
      return { status: 'ok', body: Buffer.concat(chunks), validators: outcome.validators, url: outcome.url } as const;
    });
  }

  /**
   * Stream `url` into `dest` (via a temp file renamed on success), verifying size and digest on
   * the way. A failed or mismatching download leaves nothing at `dest`.
   */
  async download(url: string, dest: string, options: { where: ErrorLocation; expected?: ExpectedDigest; maxBytes: number; notFoundOk?: boolean }): Promise<DownloadResult | null> {
    const algorithm = normalizeChecksumType(options.expected?.type ?? 'sha256', options.where);
    await mkdir(path.dirname(dest), { recursive: true });
    const temp = `${dest}.part-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      const result = await this.withRetries(url, options.where, async () => {
        const digest = new StreamDigest(algorithm);
        const file = createWriteStream(temp);
        const fileDone = new Promise<void>((resolve, reject) => {
          file.on('finish', resolve);
          file.on('error', reject);
        });
        const onChunk = (chunk: Buffer) => {
          digest.update(chunk);
          if (digest.bytes > options.maxBytes) throw new SizeLimitError(`download larger than ${options.maxBytes} bytes`, options.where);
          if (options.expected?.size != null && digest.bytes > options.expected.size) {
            throw new ChecksumError(`more data than the ${options.expected.size} bytes the index promised`, options.where);
          }
          if (!file.write(chunk)) return new Promise<void>((resolve) => file.once('drain', resolve));
          return undefined;
        };
        let status: number;
        try {
          status = url.startsWith('file:')
            ? await this.readLocalStream(url, options.where, onChunk)
            : (await this.stream(url, undefined, options.where, onChunk)).status;
        } finally {
          file.end();
          await fileDone;
        }
        if (status === 404) return null;
        if (options.expected) assertDigest(digest, options.expected, options.where);
        return { bytes: digest.bytes, digest: { type: algorithm, value: digest.hex() } };
      });
      if (result === null) {
        if (options.notFoundOk) return null;
        throw new FetchError(`HTTP 404 Not Found: ${url}`, options.where);
      }
      this.stats.downloads++;
      await rename(temp, dest);
      return result;
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** One GET; feeds body chunks to `onChunk`; resolves with the final status and validators. */
  private async stream(
    url: string,
    validators: Validators | undefined,
    where: ErrorLocation,
    onChunk: (chunk: Buffer) => void | Promise<void>,
  ): Promise<{ status: number; validators: Validators; url: string }> {
    this.stats.requests++;
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, 'accept-encoding': 'identity' };
    if (validators?.etag) headers['if-none-match'] = validators.etag;
    if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
    const request = got.stream(url, {
      headers,
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
    const response = await new Promise<Response>((resolve, reject) => {
      request.once('response', resolve);
      request.once('error', reject);
    });
    const status = response.statusCode;
    if (status === 304 || status === 404) {
      request.destroy();
      return { status, validators: {}, url: response.url };
    }
    if (status < 200 || status >= 300) {
      request.destroy();
      throw new HttpStatusError(status, response.statusMessage ?? '', response.url, where);
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
    return { status, validators: v, url: response.url };
  }

  private async readLocalSmall(url: string, where: ErrorLocation, maxBytes: number, validators?: Validators): Promise<SmallResult> {
    this.stats.requests++;
    const file = fileURLToPath(url);
    try {
      const info = await stat(file);
      const lastModified = info.mtime.toUTCString();
      if (validators?.lastModified === lastModified) return { status: 'not-modified', url };
      if (info.size > maxBytes) throw new SizeLimitError(`file larger than ${maxBytes} bytes`, { ...where, file: where.file ?? file });
      const body = await readFile(file);
      this.stats.bytes += body.length;
      return { status: 'ok', body, validators: { lastModified }, url };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'not-found', url };
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
      if (err instanceof SizeLimitError || err instanceof ChecksumError) throw err;
      throw new FetchError(`cannot read ${file}: ${(err as Error).message}`, where, { cause: err });
    }
  }

  private async withRetries<T>(url: string, where: ErrorLocation, attempt: () => Promise<T>): Promise<T> {
    for (let n = 0; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        const failure = toFetchFailure(err, url, where);
        if (!failure.retryable || n >= this.policy.retries) throw failure.error;
        await new Promise((resolve) => setTimeout(resolve, this.policy.backoffMs * 2 ** n));
      }
    }
  }
}

class HttpStatusError extends FetchError {
  constructor(
    readonly status: number,
    statusText: string,
    url: string,
    where: ErrorLocation,
  ) {
    super(`HTTP ${status}${statusText ? ` ${statusText}` : ''}: ${url}`, where);
  }
}

/** Classify a failure: is another attempt worth it, and what one line does the user see? */
function toFetchFailure(err: unknown, url: string, where: ErrorLocation): { retryable: boolean; error: Error } {
  // Name the URL once: when the error's file already is the URL, don't repeat it in the message.
  const at = where.file === url ? '' : `: ${url}`;
  if (err instanceof HttpStatusError) return { retryable: err.status >= 500 || err.status === 429, error: err };
  if (err instanceof SizeLimitError || err instanceof ChecksumError) return { retryable: false, error: err };
  if (err instanceof FetchError) return { retryable: true, error: err };
  if (err instanceof RequestError) {
    const code = err.code;
    if (err.name === 'MaxRedirectsError') {
      return { retryable: false, error: new FetchError(`too many redirects (a redirect loop?)${at}`, where, { cause: err }) };
    }
    const transient = ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNREFUSED', 'ERR_STREAM_PREMATURE_CLOSE'].includes(code);
    const what =
      err.name === 'TimeoutError'
        ? `timed out (${(err as RequestError & { event?: string }).event ?? 'no data'})`
        : code === 'ENOTFOUND'
          ? 'host not found'
          : code === 'ECONNREFUSED'
            ? 'connection refused'
            : code === 'ECONNRESET'
              ? 'connection reset'
              : err.message;
    return { retryable: transient || err.name === 'TimeoutError' || err.name === 'ReadError', error: new FetchError(`${what}${at}`, where, { cause: err }) };
  }
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'EPIPE') {
    return { retryable: true, error: new FetchError(`connection reset${at}`, where, { cause: err }) };
  }
  return { retryable: false, error: new FetchError(`${message}${at}`, where, { cause: err }) };
}
