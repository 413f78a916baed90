/** The PNG output, checked by decoding it with pngjs's reader (which verifies every chunk's CRC). */
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { CHART_COLORS, stackedBarChart } from '../../src/report/charts.js';
import { encodePng, Raster } from '../../src/report/png.js';

interface Decoded {
  width: number;
  height: number;
  pixel: (x: number, y: number) => number[];
}

function decode(bytes: Buffer): Decoded {
  expect([...bytes.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const png = PNG.sync.read(bytes, { checkCRC: true });
  // pngjs decodes to RGBA.
  return { width: png.width, height: png.height, pixel: (x, y) => [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3)] };
}

describe('PNG', () => {
  it('encodes what the raster holds', () => {
    const r = new Raster(5, 3, [255, 255, 255]);
    r.fillRect(1, 1, 2, 1, [10, 20, 30]);
    r.fillRect(4, -5, 10, 100, [1, 2, 3]); // clipped to the image
    const d = decode(r.toPng());
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
