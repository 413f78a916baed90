/**
 * The upgrade-path check: along every upgrade path containing the target profile, the submitted
 * version must not be below the best distro version of an earlier release (error: the release
 * upgrade would go backwards) and should not be above the next release's best (warning).
 */
import { candidatesFor } from '../analysis/candidates.js';
import { newest } from '../analysis/order.js';
import type { Candidate } from '../analysis/types.js';
import type { ProfileConfig } from '../config/types.js';
import { versionScheme } from '../formats/version-scheme.js';
import { checkKey, type Context } from './context.js';
import type { SubmittedName } from './submission.js';
import type { UpgradePathFinding } from './types.js';

/** One step of the upgrade-path check: the submission against one other release's best distro version. */
export function upgradeStep(
  ctx: Context,
  submitted: SubmittedName,
  sub: Candidate,
  path: string,
  other: ProfileConfig,
  problem: UpgradePathFinding['problem'],
): UpgradePathFinding | null {
  const distro = candidatesFor(other, ctx.input.analysis, ctx.vendors).filter((c) => c.name === submitted.name && c.role === 'distro');
  const best = newest(other.format, distro);
  if (!best) return null;
  const order = versionScheme(ctx.format).compare(sub, best);
  if (problem === 'below-earlier' ? order >= 0 : order <= 0) return null;
  const [lower, higher] = order < 0 ? [sub.evr, best.evr] : [best.evr, sub.evr];
  return {
    kind: 'upgrade-path',
    severity: problem === 'below-earlier' ? 'error' : 'warning',
    key: `${checkKey('upgrade-path', ctx.input.target, submitted.name)}|${path}|${other.name}`,
    name: submitted.name,
    package: submitted.name,
    title:
      problem === 'below-earlier'
        ? `${submitted.name} ${sub.evr} is lower than ${best.evr} (${best.repoId}) in the earlier release ${other.name}: the upgrade to ${ctx.profile.name} would go backwards`
        : `${submitted.name} ${sub.evr} is higher than ${best.evr} (${best.repoId}) in the next release ${other.name}: upgrading to ${other.name} would go backwards`,
    path,
    problem,
    submitted: { profile: ctx.profile.name, evr: sub.evr },
    other: { profile: other.name, repoId: best.repoId, evr: best.evr },
    gap: versionScheme(ctx.format).gap(lower, higher),
  };
}
