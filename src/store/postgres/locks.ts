/**
 * Advisory lock keys. PostgreSQL's advisory locks are one 64-bit key space per database, so each
 * key says what it guards: small constants for the store-wide writers, and a hash of the schema
 * and repo id for the per-repo crawl lock (two schemas in one database never share a repo's lock).
 */
import { createHash } from 'node:crypto';

/** Held (transaction-scoped) while migrating: one migrator at a time. */
export const MIGRATION_LOCK = 0x7265_7001;
/** Held (transaction-scoped) by every write transaction: one writer at a time, as in SQLite. */
export const WRITE_LOCK = 0x7265_7002;

/** The per-repo crawl lock's key: a signed 63-bit number from the schema and repo id (exact in a JS number as a decimal string). */
export function repoLockKey(schema: string | null, repoId: string): string {
  const digest = createHash('sha256').update(`${schema ?? ''}\0${repoId}`).digest();
  return digest.readBigInt64BE(0).toString();
}
