/**
 * The on-disk cache. Verified metadata files are stored content-addressed (`objects/<algo>/<hex>`),
 * so a file whose checksum the index still names is never downloaded again, whichever mirror or
 * URL named it. Per-URL validators (ETag / Last-Modified and the body they came with) let the next
 * crawl ask "changed since?" and get a 304.
 *
 * The cache is not trusted either: an object name is only ever a validated hex digest of its
 * algorithm's length (a checksum from repomd.xml cannot be `../../x`), every object is verified
 * again when it is read (size and digest, streaming), the directories are created 0700, and no
 * path below the cache root is followed through a symlink (each directory is checked with lstat,
 * files are opened O_NOFOLLOW and created O_EXCL).
 */
import { createHash } from 'node:crypto';
import { constants, type ReadStream } from 'node:fs';
import { lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CacheError, ChecksumError, type ErrorLocation } from '../errors.js';
import { redactCredentials, withoutCredentials } from '../sanitize.js';
import { assertDigest, normalizeChecksumType, StreamDigest, verifyStream, type ChecksumAlgorithm, type ExpectedDigest } from './checksum.js';
import type { Validators } from './http-client.js';

export interface CachedIndex {
  url: string;
  validators: Validators;
  /** sha256 of the body, which is kept as an object. */
  bodySha256: string;
  /** When it was stored (ms); lets callers reuse a young copy of a document served without validators. */
  storedAt?: number;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'repoclash');
}

const HEX_LENGTH: Record<ChecksumAlgorithm, number> = { md5: 32, sha1: 40, sha224: 56, sha256: 64, sha384: 96, sha512: 128 };

/** A digest fit to name a file: a known algorithm and exactly its number of hex digits. */
export function validDigest(digest: { type: string; value: string }, where: ErrorLocation = {}): { type: ChecksumAlgorithm; value: string } {
  const type = normalizeChecksumType(digest.type, where);
  const value = digest.value.trim().toLowerCase();
  if (!new RegExp(`^[0-9a-f]{${HEX_LENGTH[type]}}$`).test(value)) {
    throw new ChecksumError(`checksum ${JSON.stringify(digest.value.slice(0, 140))} is not a ${type} digest (${HEX_LENGTH[type]} hex digits)`, where);
  }
  return { type, value };
}

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

export class MetadataCache {
  constructor(readonly dir: string) {}

  /** Where the object with this digest lives. Throws ChecksumError for a digest that is not one. */
  objectPath(digest: { type: string; value: string }, where: ErrorLocation = {}): string {
    const d = validDigest(digest, where);
    return path.join(this.dir, 'objects', d.type, d.value.slice(0, 2), d.value);
  }

  /**
   * The object's path if it is present and still has the expected size and digest. A damaged
   * object is removed (the caller downloads it again); a symlink planted in its place is refused.
   */
  async verifiedObject(expected: ExpectedDigest, where: ErrorLocation): Promise<string | null> {
    const file = this.objectPath(expected, where);
    try {
      await this.checkDirectories(path.dirname(file), where);
      const digest = new StreamDigest(normalizeChecksumType(expected.type, where));
      for await (const chunk of await this.readObject(file)) digest.update(chunk as Buffer);
      assertDigest(digest, expected, where);
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      // Damaged, or a link planted in its place: remove it (never what it points to) and fetch anew.
      if (err instanceof ChecksumError || (err as NodeJS.ErrnoException).code === 'ELOOP') {
        await rm(file, { force: true });
        return null;
      }
      throw err;
    }
  }

  /** A stream of the object's bytes; the final component is never followed if it is a symlink. */
  async readObject(file: string): Promise<ReadStream> {
    const handle = await open(file, constants.O_RDONLY | NOFOLLOW);
    return handle.createReadStream({ highWaterMark: 1 << 20 });
  }

  /**
   * A cached object's bytes, verified again while they stream (size and digest): the consumer
   * gets a ChecksumError at the end if the file changed on disk since it was stored, before it
   * commits anything it parsed.
   */
  async *readVerified(expected: ExpectedDigest, where: ErrorLocation): AsyncGenerator<Uint8Array> {
    const file = this.objectPath(expected, where);
    await this.checkDirectories(path.dirname(file), where);
    yield* verifyStream(await this.readObject(file) as AsyncIterable<Uint8Array>, expected, where);
  }

  /** Directory for a new object (created 0700, checked); for downloads that rename into place. */
  async prepareDirectory(file: string, where: ErrorLocation): Promise<void> {
    await this.makeDirectories(path.dirname(file), where);
  }

  async putObject(body: Buffer, where: ErrorLocation = {}): Promise<string> {
    const sha256 = createHash('sha256').update(body).digest('hex');
    const target = this.objectPath({ type: 'sha256', value: sha256 });
    await this.atomicWrite(target, body, where);
    return sha256;
  }

  async getIndex(url: string): Promise<{ entry: CachedIndex; body: Buffer } | undefined> {
    const file = this.indexPath(url);
    try {
      await this.checkDirectories(path.dirname(file), {});
      const entry = JSON.parse(await readNoFollow(file, 'utf8')) as CachedIndex;
      const objectFile = this.objectPath({ type: 'sha256', value: String(entry.bodySha256) });
      await this.checkDirectories(path.dirname(objectFile), {});
      const body = Buffer.from(await readNoFollow(objectFile, null));
      // A body altered on disk is not the one the validators belong to: fetch in full.
      if (createHash('sha256').update(body).digest('hex') !== entry.bodySha256) return undefined;
      return { entry, body };
    } catch {
      return undefined; // a missing or damaged entry just means "no validators": fetch in full
    }
  }

  async putIndex(url: string, validators: Validators, body: Buffer, where: ErrorLocation = {}): Promise<void> {
    const bodySha256 = await this.putObject(body, where);
    const entry: CachedIndex = { url: redactCredentials(url), validators, bodySha256, storedAt: Date.now() };
    await this.atomicWrite(this.indexPath(url), Buffer.from(JSON.stringify(entry)), where);
  }

  private indexPath(url: string): string {
    // Keyed by the URL without its user:password: a file name derived from a secret is no place for one.
    return path.join(this.dir, 'index', `${createHash('sha256').update(withoutCredentials(url)).digest('hex')}.json`);
  }

  /** Create `dir` and the directories between it and the cache root, 0700, refusing symlinks. */
  private async makeDirectories(dir: string, where: ErrorLocation): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      let current = this.dir;
      for (const part of path.relative(this.dir, dir).split(path.sep).filter((p) => p !== '')) {
        current = path.join(current, part);
        try {
          await mkdir(current, { mode: 0o700 });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        await this.assertRealDirectory(current, where);
      }
    } catch (err) {
      throw cacheFailure(err, dir, where);
    }
  }

  /** Every directory from the cache root down to `dir` that exists must be a real directory. */
  private async checkDirectories(dir: string, where: ErrorLocation): Promise<void> {
    let current = this.dir;
    for (const part of path.relative(this.dir, dir).split(path.sep).filter((p) => p !== '')) {
      current = path.join(current, part);
      await this.assertRealDirectory(current, where);
    }
  }

  private async assertRealDirectory(dir: string, where: ErrorLocation): Promise<void> {
    const info = await lstat(dir);
    if (!info.isDirectory()) {
      throw new CacheError(`${dir} is ${info.isSymbolicLink() ? 'a symlink' : 'not a directory'}; the cache never follows links it did not make (remove it)`, { ...where, file: dir });
    }
  }

  private async atomicWrite(target: string, body: Buffer, where: ErrorLocation): Promise<void> {
    await this.makeDirectories(path.dirname(target), where);
    const temp = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600);
      try {
        await handle.writeFile(body);
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw cacheFailure(err, target, where);
    }
  }
}

async function readNoFollow(file: string, encoding: 'utf8'): Promise<string>;
async function readNoFollow(file: string, encoding: null): Promise<Buffer>;
async function readNoFollow(file: string, encoding: 'utf8' | null = 'utf8'): Promise<string | Buffer> {
  const handle = await open(file, constants.O_RDONLY | NOFOLLOW);
  try {
    return encoding ? await handle.readFile({ encoding }) : await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * A failure to write the cache (disk full, no permission, read-only filesystem) as one line naming
 * the file; CacheErrors pass through.
 */
export function cacheFailure(err: unknown, file: string, where: ErrorLocation): Error {
  if (err instanceof CacheError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ELOOP: 'is a symlink; the cache never follows links it did not make',
  };
  const reason = code && why[code] ? why[code] : err instanceof Error ? err.message : String(err);
  return new CacheError(`cannot write the cache: ${reason}`, { ...where, file }, { cause: err });
}
