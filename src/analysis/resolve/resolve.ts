/** The resolver's entry point: one profile in, who wins each name out, in the package manager's own rules. */
import { aptWinners, resolveApt } from './apt.js';
import { resolveDnf } from './dnf.js';
import type { Candidate, ResolveInput, Resolution } from '../types.js';

export { resolveApt } from './apt.js';
export { resolveDnf } from './dnf.js';

/** dnf's rules for rpm profiles, apt's for deb profiles. */
export function resolveProfile(input: ResolveInput): Resolution[] {
  return input.profile.format === 'rpm' ? resolveDnf(input) : resolveApt(input);
}

/**
 * Who wins each name of a profile with nothing installed (one entry per name and arch, in no
 * particular order): resolveProfile's winners, without what only a report reads (apt skips the
 * ranking and reasons; dnf's resolution is the same either way). What a crawl records.
 */
export function resolveWinners(input: ResolveInput): Array<{ name: string; arch: string; winner: Candidate | null }> {
  return input.profile.format === 'rpm' ? resolveDnf(input) : aptWinners(input);
}
