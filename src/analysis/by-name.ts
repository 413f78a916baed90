/**
 * Grouping helpers every analysis uses: every finding is about one name, so the work is always
 * "index by name once, then look at each group" — linear in the number of records.
 */
import type { Candidate } from './types.js';

/** Who wins each name in one profile now: name → the winning candidate. Built from the resolver's output. */
export type WinnersByName = ReadonlyMap<string, Candidate>;

export function groupByName<T extends { name: string }>(items: Iterable<T>): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(item.name);
    if (group) group.push(item);
    else groups.set(item.name, [item]);
  }
  return groups;
}

/** Split one name's candidates by (canonical) publisher, in order of first appearance. */
export function byVendor(candidates: readonly Candidate[]): Map<string, Candidate[]> {
  const groups = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const group = groups.get(c.publisher);
    if (group) group.push(c);
    else groups.set(c.publisher, [c]);
  }
  return groups;
}

/** True when the candidates come from two or more vendors (cheap: no allocation on the common path). */
export function hasSeveralVendors(candidates: readonly Candidate[]): boolean {
  const first = candidates[0]?.publisher;
  for (let i = 1; i < candidates.length; i++) if (candidates[i]!.publisher !== first) return true;
  return false;
}

/**
 * The resolver's output reduced to "who wins each name": per name the winner of the most preferred
 * arch (the profile's `arches` order; arches not listed come last, in input order). Resolutions
 * without a winner are skipped.
 */
export function winnersFromResolutions(
  resolutions: ReadonlyArray<{ name: string; arch: string; winner: Candidate | null }>,
  arches: readonly string[] = [],
): Map<string, Candidate> {
  const rank = (arch: string): number => {
    const i = arches.indexOf(arch);
    return i === -1 ? arches.length : i;
  };
  const winners = new Map<string, Candidate>();
  const ranks = new Map<string, number>();
  for (const r of resolutions) {
    if (r.winner === null) continue;
    const k = rank(r.arch);
    const held = ranks.get(r.name);
    if (held === undefined || k < held) {
      winners.set(r.name, r.winner);
      ranks.set(r.name, k);
    }
  }
  return winners;
}
