import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { normalizeChecksumType, verifyStream } from '../../src/fetch/checksum.js';
import { ChecksumError, FormatError } from '../../src/errors.js';

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}
async function drain(source: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const c of source) n += c.length;
  return n;
}
const sha = (algo: string, text: string) => createHash(algo).update(text).digest('hex');

describe('checksums', () => {
  it('maps the names metadata uses', () => {
    expect(normalizeChecksumType('sha')).toBe('sha1');
    expect(normalizeChecksumType('SHA256')).toBe('sha256');
    expect(normalizeChecksumType('MD5Sum')).toBe('md5');
    expect(() => normalizeChecksumType('crc32', { file: 'repomd.xml' })).toThrow(FormatError);
  });

  it('verifies while streaming', async () => {
    const n = await drain(verifyStream(chunks('abc', 'def'), { type: 'sha256', value: sha('sha256', 'abcdef'), size: 6 }));
    expect(n).toBe(6);
    await expect(drain(verifyStream(chunks('abc'), { type: 'sha1', value: sha('sha1', 'abc') }))).resolves.toBe(3);
  });

  it('rejects a digest mismatch, naming the file', async () => {
    const run = drain(verifyStream(chunks('abc', 'deX'), { type: 'sha256', value: sha('sha256', 'abcdef') }, { repo: 'r', file: 'Packages.xz' }));
    await expect(run).rejects.toBeInstanceOf(ChecksumError);
    await expect(run).rejects.toThrow(/sha256 mismatch/);
  });

  it('rejects a size mismatch in either direction', async () => {
    await expect(drain(verifyStream(chunks('abcdefg'), { type: 'md5', value: sha('md5', 'abcdefg'), size: 6 }))).rejects.toThrow(/more data/);
    await expect(drain(verifyStream(chunks('abc'), { type: 'md5', value: sha('md5', 'abc'), size: 6 }))).rejects.toThrow(/size 3 bytes/);
  });
});
