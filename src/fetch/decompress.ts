/**
 * Streamed decompression, detected by magic bytes (a file's suffix lies often enough: mirrors
 * serve `.gz` names with plain content and vice versa). gzip uses node:zlib; zstd uses node:zlib
 * where this Node has it (22.15+) and the `zstd` binary otherwise; xz and bzip2 have no decoder in
 * node:zlib, so the system's `xz` / `bzip2` binaries do the work (they are several times faster than
 * any pure-JS port we measured; see the README). Output is capped: a decompression bomb becomes a
 * SizeLimitError instead of filling memory or disk.
 */
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { DecompressError, SizeLimitError, type ErrorLocation } from '../errors.js';

export type Compression = 'gz' | 'xz' | 'bz2' | 'zst' | 'none';

/** 2 GiB: sid's uncompressed Packages is 65 MB and Fedora's primary.xml ~190 MB. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 2 * 1024 ** 3;

const MAGIC: Array<[Compression, number[]]> = [
  ['gz', [0x1f, 0x8b]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['bz2', [0x42, 0x5a, 0x68]],
  ['zst', [0x28, 0xb5, 0x2f, 0xfd]],
];

/** The compression a stream starts with; 'none' for anything else (plain XML or text). */
export function detectCompression(head: Uint8Array): Compression {
  for (const [kind, magic] of MAGIC) {
    if (head.length >= magic.length && magic.every((byte, i) => head[i] === byte)) return kind;
  }
  return 'none';
}

/** The compression a file name suggests; used only to word errors, never to decide. */
export function compressionFromName(name: string): Compression {
  if (/\.(gz|tgz)$/.test(name)) return 'gz';
  if (/\.xz$/.test(name)) return 'xz';
  if (/\.bz2$/.test(name)) return 'bz2';
  if (/\.zst$/.test(name)) return 'zst';
  return 'none';
}

export interface DecompressOptions {
  where?: ErrorLocation;
  /** Cap on decompressed bytes; exceeding it throws SizeLimitError. */
  maxBytes?: number;
}

type ZstdFactory = () => import('node:stream').Transform;
const nodeZstd = (zlib as unknown as { createZstdDecompress?: ZstdFactory }).createZstdDecompress;

/**
 * Decompress `source` according to its magic bytes and yield the plain bytes. Errors are typed:
 * corrupt or truncated input → DecompressError, too much output → SizeLimitError.
 */
export async function* decompress(
  source: AsyncIterable<Uint8Array>,
  options: DecompressOptions = {},
): AsyncGenerator<Uint8Array> {
  const where = options.where ?? {};
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  const iterator = source[Symbol.asyncIterator]();
  // Gather at least 6 bytes (the longest magic) before deciding.
  const head: Uint8Array[] = [];
  let headLength = 0;
  let sourceDone = false;
  while (headLength < 6) {
    const next = await iterator.next();
    if (next.done) {
      sourceDone = true;
      break;
    }
    head.push(next.value);
    headLength += next.value.length;
  }
  const headBytes = Buffer.concat(head);
  const kind = detectCompression(headBytes);
  const rest: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      if (headBytes.length > 0) yield headBytes;
      if (sourceDone) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    },
  };

  let produced = 0;
  const cap = (chunk: Uint8Array): Uint8Array => {
    produced += chunk.length;
    if (produced > maxBytes) {
      throw new SizeLimitError(
        `decompressed data exceeds the cap of ${maxBytes} bytes (a decompression bomb or a wrong file)`,
        { ...where, offset: maxBytes },
      );
    }
    return chunk;
  };

  if (kind === 'none') {
    for await (const chunk of rest) yield cap(chunk);
    return;
  }
  if (headBytes.length === 0) return;

  const output = openDecoder(kind, rest, where);
  try {
    for await (const chunk of output.stream) yield cap(chunk as Uint8Array);
    await output.finished;
  } catch (err) {
    if (err instanceof SizeLimitError || err instanceof DecompressError) throw err;
    throw new DecompressError(`corrupt or truncated ${kind} data: ${errorText(err)}`, where, { cause: err });
  } finally {
    output.stop();
  }
}

interface Decoder {
  stream: AsyncIterable<unknown>;
  /** Resolves when the decoder finished cleanly; rejects with its complaint otherwise. */
  finished: Promise<void>;
  stop(): void;
}

function openDecoder(kind: Exclude<Compression, 'none'>, input: AsyncIterable<Uint8Array>, where: ErrorLocation): Decoder {
  if (kind === 'gz') return zlibDecoder(zlib.createGunzip(), input);
  if (kind === 'zst' && nodeZstd) return zlibDecoder(nodeZstd(), input);
  const command = kind === 'zst' ? 'zstd' : kind === 'xz' ? 'xz' : 'bzip2';
  return processDecoder(command, kind, input, where);
}

function zlibDecoder(transform: import('node:stream').Transform, input: AsyncIterable<Uint8Array>): Decoder {
  const readable = Readable.from(input, { objectMode: false });
  readable.on('error', (err) => transform.destroy(err));
  readable.pipe(transform);
  return {
    stream: transform,
    finished: Promise.resolve(),
    stop: () => {
      readable.destroy();
      transform.destroy();
    },
  };
}

function processDecoder(
  command: string,
  kind: Compression,
  input: AsyncIterable<Uint8Array>,
  where: ErrorLocation,
): Decoder {
  const child = spawn(command, command === 'xz' ? ['-dc', '-T0'] : ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    if (stderr.length < 2000) stderr += text;
  });
  const finished = new Promise<void>((resolve, reject) => {
    child.on('error', (err: NodeJS.ErrnoException) => {
      const hint = err.code === 'ENOENT' ? `; install the \`${command}\` program to read ${kind} files` : '';
      reject(new DecompressError(`cannot run ${command}: ${err.message}${hint}`, where, { cause: err }));
    });
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else if (signal === 'SIGPIPE' || signal === 'SIGTERM') resolve();
      else
        reject(
          new DecompressError(`corrupt or truncated ${kind} data: ${stderr.trim().split('\n').pop() || `${command} exited ${code}`}`, where),
        );
    });
  });
  // Avoid unhandled rejections when the consumer stops early; the caller awaits `finished` itself.
  finished.catch(() => undefined);
  const feeder = Readable.from(input, { objectMode: false });
  feeder.on('error', (err) => child.stdin.destroy(err));
  child.stdin.on('error', () => undefined); // EPIPE when the decoder exits first: its exit code tells.
  feeder.pipe(child.stdin);
  const stream: AsyncIterable<unknown> = {
    async *[Symbol.asyncIterator]() {
      // Yield stdout; if the process fails, surface its complaint rather than a bare "end".
      for await (const chunk of child.stdout) yield chunk;
      await finished;
    },
  };
  return {
    stream,
    finished,
    stop: () => {
      feeder.destroy();
      if (child.exitCode === null) child.kill('SIGTERM');
    },
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
