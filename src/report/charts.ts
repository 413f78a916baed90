/**
 * The report's two small charts as PNGs: findings per week (stacked: ongoing, new) and the lag
 * distribution (findings per days-behind bucket). Only bars are drawn; labels are HTML text in a
 * table of equal columns under the image, which lines up because every bar sits centred in an
 * equal-width slot spanning the full image width.
 */
import { Raster, type Rgb } from './png.js';

export const CHART_COLORS = {
  background: [255, 255, 255] as Rgb,
  grid: [229, 231, 235] as Rgb,
  axis: [156, 163, 175] as Rgb,
  ongoing: [100, 116, 139] as Rgb,
  new: [234, 88, 12] as Rgb,
  lag: [37, 99, 235] as Rgb,
};

/** CSS pixels the charts are shown at; the PNG has twice as many for sharp HiDPI display. */
export const CHART_WIDTH = 560;
export const CHART_HEIGHT = 110;
const SCALE = 2;

export interface ChartImage {
  png: Buffer;
  /** Display size in CSS pixels. */
  width: number;
  height: number;
}

/**
 * One bar per slot, its segments stacked bottom-up in `colors` order. Horizontal grid lines at a
 * quarter, half and three quarters of the tallest bar.
 */
export function stackedBarChart(slots: ReadonlyArray<readonly number[]>, colors: readonly Rgb[]): ChartImage {
  const w = CHART_WIDTH * SCALE;
  const h = CHART_HEIGHT * SCALE;
  const raster = new Raster(w, h, CHART_COLORS.background);
  const top = 4 * SCALE;
  const plot = h - top - SCALE; // the bottom line is the axis
  for (const q of [0.25, 0.5, 0.75, 1]) raster.fillRect(0, top + plot * (1 - q), w, SCALE, CHART_COLORS.grid);
  const max = Math.max(1, ...slots.map((s) => s.reduce((a, b) => a + b, 0)));
  const slot = w / Math.max(1, slots.length);
  const barWidth = Math.max(SCALE, Math.round(slot * 0.6));
  slots.forEach((segments, i) => {
    const x = i * slot + (slot - barWidth) / 2;
    let base = h - SCALE;
    segments.forEach((value, j) => {
      if (value <= 0) return;
      const height = Math.max(SCALE, (value / max) * plot);
      raster.fillRect(x, base - height, barWidth, height, colors[j % colors.length]!);
      base -= height;
    });
  });
  raster.fillRect(0, h - SCALE, w, SCALE, CHART_COLORS.axis);
  return { png: raster.toPng(), width: CHART_WIDTH, height: CHART_HEIGHT };
}

export interface WeekPoint {
  week: string;
  new: number;
  ongoing: number;
}

export function findingsPerWeekChart(history: readonly WeekPoint[]): ChartImage {
  return stackedBarChart(
    history.map((p) => [p.ongoing, p.new]),
    [CHART_COLORS.ongoing, CHART_COLORS.new],
  );
}

export function lagDistributionChart(buckets: ReadonlyArray<{ count: number }>): ChartImage {
  return stackedBarChart(
    buckets.map((b) => [b.count]),
    [CHART_COLORS.lag],
  );
}

export const cssColor = (c: Rgb): string => `rgb(${c[0]},${c[1]},${c[2]})`;
