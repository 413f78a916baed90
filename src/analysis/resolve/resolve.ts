/** The resolver's entry point: one profile in, who wins each name out, in the package manager's own rules. */
import { resolveApt } from './apt.js';
import { resolveDnf } from './dnf.js';
import type { ResolveInput, Resolution } from '../types.js';

export { resolveApt } from './apt.js';
export { resolveDnf } from './dnf.js';

/** dnf's rules for rpm profiles, apt's for deb profiles. */
export function resolveProfile(input: ResolveInput): Resolution[] {
  return input.profile.format === 'rpm' ? resolveDnf(input) : resolveApt(input);
}
