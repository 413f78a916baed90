/**
 * Store-specific errors. StoreError itself lives in src/errors.ts; this adds the crawl lock's.
 */
import { RepoclashError, type ErrorLocation } from '../errors.js';

/** Who holds the crawl lock, as written in the lock file. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** When the holder took the lock (ms since the epoch). */
  startedAt: number;
}

/**
 * Another crawl holds the store lock and the caller chose not to wait (or waited past its
 * timeout). The CLI maps its kind to exit code 4. It deliberately does not extend StoreError so a
 * `catch (StoreError)` never swallows it.
 */
export class LockedError extends RepoclashError {
  readonly kind = 'locked' as const;
  readonly holder: LockHolder | null;

  constructor(message: string, holder: LockHolder | null, where: ErrorLocation = {}) {
    super(message, where);
    this.holder = holder;
  }
}
