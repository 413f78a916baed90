/** The PNG writer, checked by decoding its output with an independent minimal reader. */
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CHART_COLORS, stackedBarChart } from '../../src/report/charts.js';
import { crc32, encodePng, Raster } from '../../src/report/png.js';

interface Decoded {
  width: number;
  height: number;
  chunks: string[];
  pixel: (x: number, y: number) => number[];
}

/** Enough of a PNG reader for 8-bit RGB, filter 0: verifies signature, chunk CRCs and layout. */
function decode(png: Buffer): Decoded {
  expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const chunks: string[] = [];
  const idat: Buffer[] = [];
  let ihdr: Buffer | null = null;
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length), `CRC of ${type}`).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
    chunks.push(type);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const width = ihdr!.readUInt32BE(0);
  const height = ihdr!.readUInt32BE(4);
  expect([...ihdr!.subarray(8)]).toEqual([8, 2, 0, 0, 0]);
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) expect(raw[y * (width * 3 + 1)]).toBe(0);
  return { width, height, chunks, pixel: (x, y) => [...raw.subarray(y * (width * 3 + 1) + 1 + x * 3, y * (width * 3 + 1) + 1 + x * 3 + 3)] };
}

describe('PNG', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });

  it('encodes what the raster holds', () => {
    const r = new Raster(5, 3, [255, 255, 255]);
    r.fillRect(1, 1, 2, 1, [10, 20, 30]);
    r.fillRect(4, -5, 10, 100, [1, 2, 3]); // clipped to the image
    const d = decode(r.toPng());
    expect(d.chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect([d.width, d.height]).toEqual([5, 3]);
    expect(d.pixel(0, 0)).toEqual([255, 255, 255]);
    expect(d.pixel(1, 1)).toEqual([10, 20, 30]);
    expect(d.pixel(2, 1)).toEqual([10, 20, 30]);
    expect(d.pixel(3, 1)).toEqual([255, 255, 255]);
    expect([d.pixel(4, 0), d.pixel(4, 2)]).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => encodePng(2, 2, new Uint8Array(11))).toThrow(/expected 12 bytes/);
    expect(() => encodePng(0, 2, new Uint8Array(0))).toThrow(/bad PNG size/);
  });

  it('draws stacked bars in equal slots, scaled to the tallest', () => {
    const chart = stackedBarChart([[2, 0], [2, 2], [0, 0]], [CHART_COLORS.ongoing, CHART_COLORS.new]);
    const d = decode(chart.png);
    expect([d.width, d.height]).toEqual([chart.width * 2, chart.height * 2]);
    const slot = d.width / 3;
    const centre = (i: number) => Math.floor(i * slot + slot / 2);
    const barTop = (x: number) => {
      let y = d.height - 3;
      while (y > 0 && d.pixel(x, y).join() !== CHART_COLORS.background.join() && d.pixel(x, y).join() !== CHART_COLORS.grid.join()) y--;
      return y;
    };
    const plot = d.height - 8 - 2;
    // Bar 2 (total 4) is twice as tall as bar 1 (total 2); its upper half is the "new" colour.
    expect(d.height - 2 - barTop(centre(0))).toBeCloseTo(plot / 2, -1);
    expect(d.height - 2 - barTop(centre(1))).toBeCloseTo(plot, -1);
    expect(d.pixel(centre(1), d.height - 10)).toEqual([...CHART_COLORS.ongoing]);
    expect(d.pixel(centre(1), 20)).toEqual([...CHART_COLORS.new]);
    // An empty slot has no bar; the edges of every slot are background.
    expect(d.pixel(centre(2), d.height - 10)).toEqual([...CHART_COLORS.background]);
    expect(d.pixel(1, d.height - 10)).toEqual([...CHART_COLORS.background]);
  });
});
