/** The resolver's entry point: one profile in, who wins each name out, in the package manager's own rules. */
import type { Winner } from '../../store/types.js';
import { resolveApt } from './apt.js';
import { resolveDnf } from './dnf.js';
import type { ResolveInput, Resolution } from '../types.js';

export { resolveApt } from './apt.js';
export { resolveDnf } from './dnf.js';

/** dnf's rules for rpm profiles, apt's for deb profiles. */
export function resolveProfile(input: ResolveInput): Resolution[] {
  return input.profile.format === 'rpm' ? resolveDnf(input) : resolveApt(input);
}

/**
 * The store's winners: one per name that has one (several installed arches of a name share the
 * profile-wide winner, so a name is recorded once). The vendor is the repo's normalised vendor,
 * the identity the ping-pong and clash findings track.
 */
export function winnersOf(resolutions: readonly Resolution[]): Winner[] {
  const seen = new Set<string>();
  const out: Winner[] = [];
  for (const r of resolutions) {
    if (r.winner === null || seen.has(r.name)) continue;
    seen.add(r.name);
    out.push({ name: r.name, repoId: r.winner.repoId, vendor: r.winner.repoVendor, evr: r.winner.evr });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
