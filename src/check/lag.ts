/**
 * The lag check: the submitted upstream version against the newest upstream release of the same
 * software (upstream-role repos, same name or an alias; vendors judged a different program are
 * ignored; else the upstream's release feed); severity as analysis/lag.ts rules.
 */
import { byVendor } from '../analysis/by-name.js';
import { feedUpstreamReleases } from '../analysis/feed-lag.js';
import { lagOf, toUpstreamReleases, type UpstreamRelease } from '../analysis/lag.js';
import { judgeSameSoftware } from '../analysis/same-software.js';
import type { Candidate } from '../analysis/types.js';
import { mapPackage } from '../upstream/mapping.js';
import { feedKey } from '../upstream/types.js';
import { checkKey, softwareFactsPair, type Context } from './context.js';
import type { SubmittedName } from './submission.js';
import type { CheckLagFinding } from './types.js';

export function lagCheck(ctx: Context, submitted: SubmittedName, sub: Candidate): { finding: CheckLagFinding | null; skipped: string | null } {
  const names = [submitted.name, ...(ctx.input.analysis.aliases.get(submitted.name) ?? [])];
  const upstreamVersions: Array<{ repoId: string; name: string; evr: string; buildTime: number | null; firstSeen: number; current: boolean }> = [];
  for (const name of names) {
    const upstream = (ctx.allByName.get(name) ?? []).filter((c) => c.role === 'upstream');
    for (const [vendor, cs] of byVendor(upstream)) {
      // Another program that happens to share the name has no say in how far behind we are.
      if (vendor !== ctx.distroVendor && judgeSameSoftware(name, softwareFactsPair(name, submitted, ctx.distroVendor, vendor, cs)).verdict === 'different') continue;
      const repos = new Set(cs.map((c) => c.repoId));
      for (const c of cs) upstreamVersions.push({ ...c, current: true });
      for (const iv of ctx.input.analysis.history) {
        if (iv.lastSeen !== null && iv.name === name && repos.has(iv.repoId)) upstreamVersions.push({ ...iv, current: false });
      }
    }
  }
  let releases: UpstreamRelease[];
  if (upstreamVersions.length > 0) {
    releases = [...toUpstreamReleases(upstreamVersions, (id) => ctx.input.analysis.repos.get(id)?.format).values()].flat();
  } else {
    // No upstream repo: the upstream's own release feed, mapped from the submission's metadata
    // (or, when that says nothing, from the target's package of the same name).
    const feed = feedReleasesFor(ctx, sub);
    if (feed === null) return { finding: null, skipped: 'no upstream repo ships this software and no release feed is stored for it' };
    releases = feed;
  }
  const lag = lagOf(ctx.profile.name, ctx.format, sub, releases, ctx.input.analysis.now, { includePrereleases: ctx.input.analysis.includePrereleases === true });
  if (lag === null) return { finding: null, skipped: null };
  return {
    skipped: null,
    finding: {
      kind: 'lag',
      severity: lag.severity,
      key: checkKey('lag', ctx.input.target, submitted.name),
      name: submitted.name,
      package: submitted.name,
      title: `${submitted.name} ${lag.distro.upstreamVersion} is ${lag.newerReleases} release${lag.newerReleases === 1 ? '' : 's'} behind upstream ${lag.upstream.upstreamVersion} (${lag.upstream.repoId}; ${lag.gap} gap, ${lag.daysBehind} days)${lag.abandonedSeries ? `; upstream no longer ships ${lag.distroMajor}.x` : ''}`,
      submitted: { evr: sub.evr, upstreamVersion: lag.distro.upstreamVersion },
      upstream: lag.upstream,
      gap: lag.gap,
      newerReleases: lag.newerReleases,
      behindSince: lag.behindSince,
      behindSinceEvidence: lag.behindSinceEvidence,
      daysBehind: lag.daysBehind,
      abandonedSeries: lag.abandonedSeries,
    },
  };
}

function feedReleasesFor(ctx: Context, sub: Candidate): UpstreamRelease[] | null {
  const feeds = ctx.input.analysis.upstreamFeeds;
  if (!feeds || feeds.size === 0) return null;
  const shipped = (ctx.targetByName.get(sub.name) ?? []).filter((c) => c.role === 'distro');
  for (const facts of [sub, ...shipped]) {
    const feed = mapPackage({ name: facts.name, sourceName: facts.sourceName, url: facts.url, format: ctx.format }, ctx.input.analysis.upstreamMapping ?? {}).feed;
    const stored = feed ? feeds.get(feedKey(feed)) : undefined;
    if (feed && stored && stored.length > 0) return feedUpstreamReleases(feedKey(feed), stored);
  }
  return null;
}
