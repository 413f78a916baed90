/**
 * What every store's repo update shares (SQLite: ./repo-update.ts, PostgreSQL:
 * ./postgres/repo-update.ts): records are buffered as the crawler streams them and handed to the
 * database's staging in batches (`flush`); `commit` makes the snapshot visible, `abort` drops it.
 * The subclasses say how a batch is staged and how the merge is written.
 */
import { StoreError } from '../errors.js';
import type { RepoUpdater } from './store.js';
import type { CommitResult, DnfRepoFacts, SnapshotMeta, VersionRecord } from './types.js';

export const DEFAULT_BATCH_SIZE = 5000;

export abstract class StagedRepoUpdate implements RepoUpdater {
  readonly meta: Readonly<SnapshotMeta>;
  /** Records added since the last flush. */
  protected readonly buffer: VersionRecord[] = [];
  protected count = 0;
  protected state: 'open' | 'committed' | 'aborted' = 'open';
  /** rpm repos: written with the snapshot (replacing none: a new snapshot has none). */
  protected dnfFacts: DnfRepoFacts | null = null;

  constructor(
    meta: SnapshotMeta,
    private readonly batchSize: number,
  ) {
    if (!Number.isFinite(meta.fetchedAt)) throw new StoreError('fetchedAt must be a time in ms', { repo: meta.repoId });
    this.meta = { ...meta };
  }

  /** Records added so far (duplicates included): the snapshot's package count. */
  get recordCount(): number {
    return this.count;
  }

  add(record: VersionRecord): void {
    this.requireOpen();
    this.buffer.push(record);
    this.count++;
    if (this.buffer.length >= this.batchSize) this.flush();
  }

  addMany(records: Iterable<VersionRecord>): void {
    for (const record of records) this.add(record);
  }

  setDnfFacts(facts: DnfRepoFacts): void {
    this.requireOpen();
    this.dnfFacts = facts;
  }

  abstract flush(): void;
  abstract commit(): CommitResult;
  abstract abort(): void;

  protected requireOpen(): void {
    if (this.state !== 'open') throw new StoreError(`this update was already ${this.state}`, { repo: this.meta.repoId });
  }
}
