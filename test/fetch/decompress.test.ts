import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

  describe('xz with several blocks (decoded on several threads by xz ≥ 5.4 under -T0)', () => {
    // Five 1 MiB blocks: the threaded decoder has blocks to hand out.
    const big = Buffer.concat(Array.from({ length: 16 }, () => payload));
    const blocks = (): Buffer => execFileSync('xz', ['-c', '-T2', '--block-size=1MiB'], { input: big, maxBuffer: 1 << 30 });

    it('round-trips', async () => {
      const compressed = blocks();
      expect(big.length).toBeGreaterThan(5 * 1024 * 1024);
      expect((await collect(decompress(chunked(compressed, 65536)))).equals(big)).toBe(true);
    });

    it('a truncated or corrupt file is one DecompressError line naming the file', async () => {
      const compressed = blocks();
      const corrupt = Buffer.from(compressed);
      corrupt.fill(0, Math.floor(corrupt.length / 2), Math.floor(corrupt.length / 2) + 64);
      for (const bad of [compressed.subarray(0, Math.floor(compressed.length * 0.7)), corrupt]) {
        const err = await collect(decompress(chunked(bad, 65536), { where: { repo: 'r1', file: 'Packages.xz' } })).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(DecompressError);
        const line = (err as DecompressError).describe();
        expect(line).toMatch(/repo r1: Packages\.xz: .*corrupt or truncated xz data: xz: \(stdin\): (Unexpected end of input|Compressed data is corrupt)$/);
        expect(line).not.toContain('\n');
      }
    });

    it('at the cap the xz process is ended and reaped', async () => {
      const bomb = execFileSync('xz', ['-c', '-T2', '--block-size=4MiB'], { input: Buffer.alloc(64 * 1024 * 1024) });
      const run = collect(decompress(chunked(bomb, 65536), { maxBytes: 8 * 1024 * 1024, where: { file: 'bomb' } }));
      await expect(run).rejects.toBeInstanceOf(SizeLimitError);
      // This test file runs in its own worker process: its children are this test's.
      const xzChildren = (): string[] =>
        readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8')
          .split(' ')
          .filter((pid) => pid.trim() !== '')
          .flatMap((pid) => {
            try {
              return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'xz' ? [pid] : [];
            } catch {
              return []; // gone between the two reads
            }
          });
      for (let i = 0; i < 100 && xzChildren().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(xzChildren()).toEqual([]);
    });
  });
});
