/**
 * The name-taken check: another vendor (any crawled repo of the submission's format whose
 * canonical vendor is not the target distribution's) already ships the name. Reports who, since
 * when, who came first, whether each vendor ships the same software, and — for a binary name —
 * whether the submission would win in the target profile and whose users it would move there.
 */
import { byVendor } from '../analysis/by-name.js';
import { firstComer, versionRef } from '../analysis/clash.js';
import type { ClashVendor, SameSoftware } from '../analysis/findings.js';
import { newest } from '../analysis/order.js';
import { resolveProfile } from '../analysis/resolve/resolve.js';
import { judgeSameSoftware } from '../analysis/same-software.js';
import type { Candidate, InstalledPackage, Resolution, Severity } from '../analysis/types.js';
import type { PackageFormat } from '../formats/types.js';
import { checkKey, softwareFactsPair, type Context } from './context.js';
import type { SubmittedName } from './submission.js';
import { SUBMISSION_REPO, type NameTakenFinding, type TakenBy } from './types.js';

/** Per vendor: earliest times and newest version, like a clash's vendor summary. */
function summarise(vendor: string, candidates: readonly Candidate[], format: PackageFormat): ClashVendor {
  let earliestBuildTime: number | null = null;
  let earliestFirstSeen = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    if (c.buildTime !== null && (earliestBuildTime === null || c.buildTime < earliestBuildTime)) earliestBuildTime = c.buildTime;
    if (c.firstSeen < earliestFirstSeen) earliestFirstSeen = c.firstSeen;
  }
  const best = newest(format, candidates)!;
  return {
    vendor,
    repos: [...new Set(candidates.map((c) => c.repoId))].sort(),
    newest: versionRef(best),
    versionCount: new Set(candidates.map((c) => c.evr)).size,
    earliestBuildTime,
    earliestFirstSeen,
  };
}

function toInstalled(c: Candidate): InstalledPackage {
  return { name: c.name, arch: c.arch, epoch: c.epoch, version: c.version, release: c.release, evr: c.evr, vendor: c.vendor, installTime: null };
}

function resolveWith(ctx: Context, name: string, extra: Candidate | null, installed: InstalledPackage[] = []): Resolution[] {
  const candidates = [...(ctx.targetByName.get(name) ?? []), ...(extra ? [extra] : [])];
  return resolveProfile({
    profile: ctx.withSubmission.profile,
    repos: ctx.withSubmission.repos,
    candidates,
    releases: ctx.withSubmission.releases,
    installed,
  });
}

/** The winner of `name` from resolutions (the profile's most preferred arch). */
function winnerOf(ctx: Context, resolutions: readonly Resolution[], name: string): Candidate | null {
  const rank = (arch: string): number => {
    const i = ctx.profile.arches.indexOf(arch);
    return i === -1 ? ctx.profile.arches.length : i;
  };
  let best: Resolution | null = null;
  for (const r of resolutions) {
    if (r.name !== name || r.winner === null || r.installed) continue;
    if (best === null || rank(r.arch) < rank(best.arch)) best = r;
  }
  return best?.winner ?? null;
}

export function nameTaken(ctx: Context, submitted: SubmittedName, name: string, via: 'name' | 'provides', sub: Candidate | null): { finding: NameTakenFinding | null } {
  const all = ctx.allByName.get(name) ?? [];
  const others = all.filter((c) => c.repoVendor !== ctx.distroVendor);
  if (others.length === 0) return { finding: null };
  const perVendor = byVendor(others);

  const beforeWinner = via === 'name' ? winnerOf(ctx, resolveWith(ctx, name, null), name) : null;
  const afterWinner = via === 'name' && sub ? winnerOf(ctx, resolveWith(ctx, name, sub), name) : null;

  const takenBy: TakenBy[] = [];
  for (const [vendor, cs] of perVendor) {
    const [mine, theirs] = softwareFactsPair(name, submitted, ctx.distroVendor, vendor, cs);
    const software = judgeSameSoftware(name, [mine, theirs]);
    const inTargetCandidates = (ctx.targetByName.get(name) ?? []).filter((c) => c.repoVendor === vendor);
    let moved: TakenBy['moved'] = null;
    if (via === 'name' && sub && inTargetCandidates.length > 0) {
      // Users of this vendor have its best version (of the preferred arch) installed.
      const theirsBest = newest(ctx.format, inTargetCandidates)!;
      const installed = toInstalled(theirsBest);
      const resolution = resolveWith(ctx, name, sub, [installed]).find((r) => r.name === name && r.installed === installed);
      moved = {
        onUpgrade: resolution?.upgradeTo?.repoId === SUBMISSION_REPO,
        onSync: resolution?.syncTo?.repoId === SUBMISSION_REPO,
      };
    }
    takenBy.push({
      ...summarise(vendor, cs, ctx.format),
      urls: [...new Set(cs.map((c) => c.url).filter((u): u is string => u !== null && u !== ''))].sort(),
      software,
      inTarget: inTargetCandidates.length > 0,
      moved,
    });
  }

  // The distribution counts for "who came first" when it already ships the name somewhere.
  const own = all.filter((c) => c.repoVendor === ctx.distroVendor);
  const contenders: ClashVendor[] = own.length > 0 ? [...takenBy, summarise(ctx.distroVendor, own, ctx.format)] : [...takenBy];
  const first = firstComer(contenders);
  takenBy.sort((a, b) => Number(b.vendor === first.vendor) - Number(a.vendor === first.vendor) || (a.vendor < b.vendor ? -1 : a.vendor > b.vendor ? 1 : 0));

  const verdicts = takenBy.map((t) => t.software.verdict);
  const software: SameSoftware = verdicts.includes('different') ? 'different' : verdicts.every((v) => v === 'same') ? 'same' : 'unknown';
  const movesUsersOf = takenBy.filter((t) => t.moved && (t.moved.onUpgrade || t.moved.onSync)).map((t) => t.vendor);
  const movesFirstComer = first.vendor !== null && movesUsersOf.includes(first.vendor);
  const severity: Severity =
    software === 'different' || movesFirstComer || (first.vendor === null && movesUsersOf.length > 0)
      ? 'error'
      : first.vendor === ctx.distroVendor && movesUsersOf.length === 0
        ? 'info'
        : 'warning';

  const who = takenBy.map((t) => `${t.vendor} (${t.repos.join(', ')} ${t.newest.evr}${t.vendor === first.vendor ? ', first' : ''}${t.software.verdict === 'different' ? ', a different program' : t.software.verdict === 'same' ? ', same software' : ''})`);
  const subjectText = via === 'name' ? name : `${name} (Provides of ${submitted.name})`;
  const moveText = movesUsersOf.length
    ? `; ${sub?.evr ?? 'the submission'} would win and move users of ${movesUsersOf.join(', ')} to ${ctx.distroVendor}`
    : afterWinner?.repoId === SUBMISSION_REPO
      ? `; ${sub!.evr} would win for new installs`
      : '';
  const firstRepos = first.vendor === null ? [] : (contenders.find((c) => c.vendor === first.vendor)?.repos ?? []);
  return {
    finding: {
      kind: 'name-taken',
      severity,
      key: checkKey('name-taken', ctx.input.target, name),
      name,
      package: submitted.name,
      title: `${subjectText} is already shipped by ${who.join(', ')}${moveText}`,
      via,
      distroVendor: ctx.distroVendor,
      takenBy,
      firstComer: first.vendor,
      firstComerRepos: firstRepos,
      firstComerEvidence: first.evidence,
      software,
      winnerBefore: beforeWinner ? versionRef(beforeWinner) : null,
      winnerAfter: afterWinner ? versionRef(afterWinner) : null,
      submissionWins: afterWinner?.repoId === SUBMISSION_REPO,
      movesUsersOf,
    },
  };
}
