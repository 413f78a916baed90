/**
 * Checksums computed while bytes stream past, so a file is verified without a second read.
 * Names follow repomd (`sha`, `sha1`, `sha256`, …) and Release (`MD5Sum`, `SHA256`, …).
 */
import { createHash, type Hash } from 'node:crypto';
import { ChecksumError, FormatError, type ErrorLocation } from '../errors.js';

export type ChecksumAlgorithm = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** Map a checksum type as metadata spells it to a node:crypto algorithm. */
export function normalizeChecksumType(type: string, where: ErrorLocation = {}): ChecksumAlgorithm {
  const t = type.trim().toLowerCase().replace(/sum$/, '').replace('-', '');
  switch (t) {
    case 'md5':
      return 'md5';
    case 'sha':
    case 'sha1':
      return 'sha1';
    case 'sha224':
      return 'sha224';
    case 'sha256':
      return 'sha256';
    case 'sha384':
      return 'sha384';
    case 'sha512':
      return 'sha512';
    default:
      throw new FormatError(`unknown checksum type "${type}"`, where);
  }
}

export interface ExpectedDigest {
  type: string;
  value: string;
  /** Expected byte count, when the index gives one. */
  size?: number | null;
}

/** Accumulates a digest and a byte count over chunks. */
export class StreamDigest {
  private readonly hash: Hash;
  bytes = 0;
  constructor(readonly algorithm: ChecksumAlgorithm) {
    this.hash = createHash(algorithm);
  }
  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }
  private digest: string | undefined;
  /** The final digest; the hash is finalised on the first call. */
  hex(): string {
    this.digest ??= this.hash.digest('hex');
    return this.digest;
  }
}

/**
 * Pass chunks through unchanged; when the source ends, compare size and digest with what the
 * index promised and throw ChecksumError on a mismatch. A consumer that stores what it parsed must
 * commit only after this generator has finished.
 */
export async function* verifyStream(
  source: AsyncIterable<Uint8Array>,
  expected: ExpectedDigest,
  where: ErrorLocation = {},
): AsyncGenerator<Uint8Array> {
  const digest = new StreamDigest(normalizeChecksumType(expected.type, where));
  for await (const chunk of source) {
    digest.update(chunk);
    if (expected.size != null && digest.bytes > expected.size) {
      throw new ChecksumError(`more data than the ${expected.size} bytes the index promised`, where);
    }
    yield chunk;
  }
  assertDigest(digest, expected, where);
}

export function assertDigest(digest: StreamDigest, expected: ExpectedDigest, where: ErrorLocation = {}): void {
  if (expected.size != null && digest.bytes !== expected.size) {
    throw new ChecksumError(`size ${digest.bytes} bytes, the index says ${expected.size}`, where);
  }
  const actual = digest.hex();
  if (actual !== expected.value.trim().toLowerCase()) {
    throw new ChecksumError(`${digest.algorithm} mismatch: got ${actual}, the index says ${expected.value}`, where);
  }
}
