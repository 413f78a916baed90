import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decompress, detectCompression, type Compression } from '../../src/fetch/decompress.js';
import { DecompressError, SizeLimitError } from '../../src/errors.js';

/** Compress with the real command-line tools, as repositories do. */
function compressWith(kind: Exclude<Compression, 'none'>, data: Buffer): Buffer {
  const command = { gz: 'gzip', xz: 'xz', bz2: 'bzip2', zst: 'zstd' }[kind];
  return execFileSync(command, ['-c'], { input: data, maxBuffer: 1 << 30 });
}

async function* chunked(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of source) parts.push(chunk);
  return Buffer.concat(parts);
}

// Text with some randomness so compressors cannot shrink it to nothing.
const payload = Buffer.concat([Buffer.from('<?xml version="1.0"?>\n'.repeat(2000)), Buffer.from(randomBytes(150_000).toString('hex'))]);

describe('detectCompression', () => {
  it('recognises each format by its magic bytes, not by name', () => {
    for (const kind of ['gz', 'xz', 'bz2', 'zst'] as const) {
      expect(detectCompression(compressWith(kind, Buffer.from('hello')))).toBe(kind);
    }
    expect(detectCompression(Buffer.from('<?xml'))).toBe('none');
    expect(detectCompression(Buffer.alloc(0))).toBe('none');
  });
});

describe('decompress', () => {
  for (const kind of ['gz', 'xz', 'bz2', 'zst'] as const) {
    it(`round-trips ${kind} in small chunks`, async () => {
      const compressed = compressWith(kind, payload);
      const out = await collect(decompress(chunked(compressed, 4099)));
      expect(out.equals(payload)).toBe(true);
    });

    it(`turns truncated ${kind} into a DecompressError naming the file`, async () => {
      const compressed = compressWith(kind, payload);
      const truncated = compressed.subarray(0, Math.floor(compressed.length / 2));
      const run = collect(decompress(chunked(truncated, 8192), { where: { repo: 'r1', file: `primary.xml.${kind}` } }));
      await expect(run).rejects.toBeInstanceOf(DecompressError);
      await run.catch((err: DecompressError) => {
        expect(err.describe()).toContain(`repo r1: primary.xml.${kind}`);
      });
    });
  }

  it('passes plain data through unchanged', async () => {
    const out = await collect(decompress(chunked(payload, 3)));
    expect(out.equals(payload)).toBe(true);
  });

  it('handles multi-member gzip (concatenated streams)', async () => {
    const a = zlib.gzipSync(Buffer.from('first '));
    const b = zlib.gzipSync(Buffer.from('second'));
    const out = await collect(decompress(chunked(Buffer.concat([a, b]), 5)));
    expect(out.toString()).toBe('first second');
  });

  for (const kind of ['gz', 'zst', 'xz'] as const) {
    it(`stops a ${kind} decompression bomb at the cap`, async () => {
      // 64 MiB of zeros compress to a few KiB.
      const bomb = compressWith(kind, Buffer.alloc(64 * 1024 * 1024));
      expect(bomb.length).toBeLessThan(1024 * 1024);
      const run = collect(decompress(chunked(bomb, 65536), { maxBytes: 8 * 1024 * 1024, where: { file: 'bomb' } }));
      await expect(run).rejects.toBeInstanceOf(SizeLimitError);
    });
  }

  it('rejects garbage behind a valid magic', async () => {
    const bogus = Buffer.concat([Buffer.from([0x1f, 0x8b]), randomBytes(1000)]);
    await expect(collect(decompress(chunked(bogus, 100)))).rejects.toBeInstanceOf(DecompressError);
  });
});
