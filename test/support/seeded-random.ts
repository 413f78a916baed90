/**
 * One seeded random source for every generated test input (version pairs, XML documents, the
 * vercmp benchmark): mulberry32 — small, fast, good enough, and the same sequence on every run and
 * machine for a given seed, so a failing case can be replayed from its seed.
 */

export type Random = () => number;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One of `items`, uniformly. */
export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** True with probability `p`. */
export const chance = (random: Random, p: number): boolean => random() < p;

/**
 * The seeds a differential test runs: `A-B` (a range), a list `3,17,40`, or one seed to replay —
 * what REPOCLASH_FUZZ_SEEDS says for long local runs, else the test's default.
 */
export function seedsFrom(text: string): number[] {
  const range = /^(\d+)-(\d+)$/.exec(text);
  if (range) return Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i);
  return text.split(',').map(Number);
}
