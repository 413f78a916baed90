/**
 * Decoding buffer ranges fast, for the two hot parsers (deb822 paragraphs, the XML tokenizer).
 *
 * Buffer#utf8Slice / #latin1Slice are what `toString(encoding, start, end)` ends up calling after
 * its argument checks; calling them directly roughly halves the cost of decoding the ~1.2M short
 * values of a full index. They are not in @types/node, hence this narrow type; every Node release
 * since 0.x has them (lib/buffer.js uses them itself), and the check below makes a future one that
 * drops them fail loudly at import rather than deep inside a parse.
 */
export interface SliceableBuffer extends Buffer {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}
{
  const proto = Buffer.prototype as Partial<SliceableBuffer>;
  if (typeof proto.utf8Slice !== 'function' || typeof proto.latin1Slice !== 'function') {
    throw new Error('this Node has no Buffer#utf8Slice/latin1Slice');
  }
}

/** `buf` with its slice methods visible to the type checker (the check above ran at import). */
export function sliceable(buf: Buffer): SliceableBuffer {
  return buf as SliceableBuffer;
}
