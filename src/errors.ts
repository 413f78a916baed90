/**
 * Typed errors. Every error that reaches a user carries where it happened (repo, file and, when it
 * helps, line/column or byte offset) so the crawl can print one line naming the culprit and go on.
 */
import { safeLine } from './sanitize.js';

export interface ErrorLocation {
  /** Repo id from repos.yaml (or the host's repo config). */
  repo?: string;
  /** File or URL the problem is in: a path, a repo-relative href, or a URL. */
  file?: string;
  line?: number;
  column?: number;
  /** Byte offset in the (decompressed) stream, when lines do not apply. */
  offset?: number;
}

export type ErrorKind =
  | 'xml'
  | 'format'
  | 'version'
  | 'decompress'
  | 'size-limit'
  | 'checksum'
  | 'fetch'
  | 'signature'
  | 'expired'
  | 'rollback'
  | 'config'
  | 'store'
  | 'locked'
  | 'cache'
  | 'mail'
  | 'usage';

export abstract class RepoclashError extends Error {
  abstract readonly kind: ErrorKind;
  repo: string | undefined;
  file: string | undefined;
  line: number | undefined;
  column: number | undefined;
  offset: number | undefined;

  constructor(message: string, where: ErrorLocation = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.repo = where.repo;
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.offset = where.offset;
  }

  /** Fill in location fields that are still unknown (outer layers know the repo, inner the offset). */
  locate(where: ErrorLocation): this {
    this.repo ??= where.repo;
    this.file ??= where.file;
    this.line ??= where.line;
    this.column ??= where.column;
    this.offset ??= where.offset;
    return this;
  }

  /** One line for a human: `repo fedora: repodata/x-primary.xml.gz:12:5: message`. */
  describe(): string {
    const parts: string[] = [];
    if (this.repo) parts.push(`repo ${this.repo}`);
    if (this.file) {
      let where = this.file;
      if (this.line !== undefined) {
        where += `:${this.line}`;
        if (this.column !== undefined) where += `:${this.column}`;
      } else if (this.offset !== undefined) {
        where += ` (byte ${this.offset})`;
      }
      parts.push(where);
    } else if (this.offset !== undefined) {
      parts.push(`byte ${this.offset}`);
    }
    parts.push(this.message);
    // Messages quote metadata and URLs: no control character, no password leaves this line.
    return safeLine(parts.join(': '));
  }
}

/** Malformed or refused XML (including any DOCTYPE / entity declaration). */
export class XmlError extends RepoclashError {
  readonly kind = 'xml' as const;
}
/** Well-formed input that does not have the shape a format requires (a stanza without Package…). */
export class FormatError extends RepoclashError {
  readonly kind = 'format' as const;
}
/** A version string the packaging tool itself would reject. */
export class VersionSyntaxError extends RepoclashError {
  readonly kind = 'version' as const;
}
/** Corrupt or truncated compressed data, or an unsupported compression. */
export class DecompressError extends RepoclashError {
  readonly kind = 'decompress' as const;
}
/** More bytes than the configured cap: a decompression bomb or a runaway download. */
export class SizeLimitError extends RepoclashError {
  readonly kind = 'size-limit' as const;
}
/** Content that does not match the checksum or size its index promised. */
export class ChecksumError extends RepoclashError {
  readonly kind = 'checksum' as const;
}
/** Network or HTTP failure after retries and mirror failover. */
export class FetchError extends RepoclashError {
  readonly kind = 'fetch' as const;
}
/** Signature missing, bad, or by a key that is not the configured one. */
export class SignatureError extends RepoclashError {
  readonly kind = 'signature' as const;
}
/** Metadata past its Valid-Until. */
export class ExpiredError extends RepoclashError {
  readonly kind = 'expired' as const;
}
/** Metadata older than what is stored (a stale mirror), or a suspicious shrink. */
export class RollbackError extends RepoclashError {
  readonly kind = 'rollback' as const;
}
/** Bad repos.yaml, .repo or sources file. Carries file:line:column. */
export class ConfigError extends RepoclashError {
  readonly kind = 'config' as const;
}
/** The local store could not be opened, migrated or written. */
export class StoreError extends RepoclashError {
  readonly kind = 'store' as const;
}
/** The metadata cache could not be written (disk full, no permission) or holds a planted link. */
export class CacheError extends RepoclashError {
  readonly kind = 'cache' as const;
}
/** Bad command-line use. */
export class UsageError extends RepoclashError {
  readonly kind = 'usage' as const;
}

export function isRepoclashError(err: unknown): err is RepoclashError {
  return err instanceof RepoclashError;
}

/** Render any thrown value as one line, with location when we have it. */
export function describeError(err: unknown): string {
  if (err instanceof RepoclashError) return err.describe();
  if (err instanceof Error) return safeLine(err.message);
  return safeLine(String(err));
}
