/**
 * apt's phased updates (apt_preferences(5), "Phased Updates"): a version whose Packages stanza
 * carries `Phased-Update-Percentage: P` (below 100) reaches a machine only when that machine's
 * draw for it, an integer 0–100, is at most P. Otherwise `apt-get upgrade` and `full-upgrade` keep
 * the installed version (apt 2.6: "The following packages have been kept back"), unless the move
 * passes a security update on the way.
 *
 * The draw is apt's: the text "SOURCE-SOURCEVERSION-MACHINEID" seeds libstdc++'s std::seed_seq,
 * which seeds std::minstd_rand, which feeds std::uniform_int_distribution<unsigned>(0, 100).
 * Re-implemented here from those algorithms (C++ standard [rand.util.seedseq], [rand.eng.lcong],
 * and libstdc++'s rejection sampling for a generator whose range is not a power of two), and
 * checked against real apt-get in test/host/host-apt-phased.test.ts (each phased package at its
 * draw and one below it).
 */
import type { AptPhasing } from '../../config/types.js';

const INITIAL = 0x8b8b8b8b;
/** minstd_rand: x ← 48271·x mod (2³¹ − 1), values 1 … 2³¹ − 2. */
const MODULUS = 2147483647;
const MULTIPLIER = 48271;
const RANGE = MODULUS - 2; // max − min of the engine's outputs
const BUCKETS = 101; // uniform_int_distribution(0, 100)
const SCALING = Math.floor(RANGE / BUCKETS);
const PAST = BUCKETS * SCALING;

const u32 = (x: number): number => x >>> 0;
const mix = (x: number): number => u32(x ^ (x >>> 27));

/**
 * std::seed_seq(text).generate() into the 4 words minstd_rand's seeding asks for. The text's bytes
 * are C `char`s, signed on the platforms apt ships for: a byte ≥ 0x80 enters sign-extended.
 */
function seedWords(text: string): number[] {
  const v = [...Buffer.from(text, 'utf8')].map((byte) => u32(byte >= 0x80 ? byte - 0x100 : byte));
  const n = 4;
  const s = v.length;
  const t = 1; // (n − 1) / 2 for n = 4
  const p = (n - t) >> 1;
  const q = p + t;
  const m = Math.max(s + 1, n);
  const b = [INITIAL, INITIAL, INITIAL, INITIAL];
  for (let k = 0; k < m; k++) {
    const r1 = u32(Math.imul(1664525, mix(b[k % n]! ^ b[(k + p) % n]! ^ b[(k + n - 1) % n]!)));
    const r2 = u32(r1 + (k === 0 ? s : k <= s ? (k % n) + v[k - 1]! : k % n));
    b[(k + p) % n] = u32(b[(k + p) % n]! + r1);
    b[(k + q) % n] = u32(b[(k + q) % n]! + r2);
    b[k % n] = r2;
  }
  for (let k = m; k < m + n; k++) {
    const r3 = u32(Math.imul(1566083941, mix(u32(b[k % n]! + b[(k + p) % n]! + b[(k + n - 1) % n]!))));
    const r4 = u32(r3 - (k % n));
    b[(k + p) % n] = u32(b[(k + p) % n]! ^ r3);
    b[(k + q) % n] = u32(b[(k + q) % n]! ^ r4);
    b[k % n] = r4;
  }
  return b;
}

/** This machine's draw (0–100) for one version: apt keeps the version back when it exceeds the percentage. */
export function phasingDraw(source: string, sourceVersion: string, machineId: string): number {
  // One 31-bit engine state: the fourth generated word (the first three are skipped by design).
  let x = seedWords(`${source}-${sourceVersion}-${machineId}`)[3]! % MODULUS;
  if (x === 0) x = 1;
  for (;;) {
    // 48271 · x < 2⁴⁷: exact in a double.
    x = (MULTIPLIER * x) % MODULUS;
    const offset = x - 1;
    if (offset < PAST) return Math.floor(offset / SCALING);
  }
}

/** A version as the phasing rules see it. */
export interface PhasedVersion {
  /** Phased-Update-Percentage, 0–99 (100 and absent: not phased). */
  percentage: number | null;
  source: string;
  sourceVersion: string;
}

/** Whether apt on this host leaves `v` aside (apt's IsIgnoredPhasedUpdate), for a version that is phased. */
export function ignoresPhasedVersion(v: PhasedVersion, phasing: AptPhasing): boolean {
  if (v.percentage === null || v.percentage >= 100) return false;
  if (phasing.policy === 'always') return false;
  if (phasing.policy === 'never') return true;
  if (phasing.machineId === null || phasing.machineId === '') return false;
  return phasingDraw(v.source, v.sourceVersion, phasing.machineId) > v.percentage;
}
