/**
 * One finding as short human lines: the title (from the analysis) and the facts behind it. Text,
 * markdown, e-mail and HTML renderers all use these, so every format says the same thing.
 */
import type { Finding } from '../analysis/findings.js';

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function findingDetails(f: Finding): string[] {
  switch (f.kind) {
    case 'clash': {
      const vendors = f.vendors.map((v) => `${v.vendor} ${v.newest.evr} (${v.repos.join(', ')}${v.versionCount > 1 ? `; ${v.versionCount} versions` : ''})`);
      const lines = [`vendors: ${vendors.join(' · ')}`];
      lines.push(
        `first-comer: ${f.firstComer ?? 'unknown (no build times, first seen together)'}${f.firstComer ? ` (by ${f.firstComerEvidence === 'buildTime' ? 'build time' : 'first seen'})` : ''}; ` +
          `winner: ${f.winner ? `${f.winner.vendor} ${f.winner.evr} from ${f.winner.repoId}` : 'none'}` +
          (f.winnerIsFirstComer === false ? ' — not the first-comer' : ''),
      );
      lines.push(`software: ${f.software.verdict}${f.software.evidence.length ? ` (${f.software.evidence.map((e) => e.detail).join('; ')})` : ''}${f.interleaved ? '; versions interleave' : ''}`);
      if (f.alsoIn.length) lines.push(`also clashes in: ${f.alsoIn.join(', ')}`);
      return lines;
    }
    case 'pingpong': {
      const lines: string[] = [];
      if (f.observed) {
        lines.push(`observed: ${f.observed.flips} vendor flips in ${f.observed.windowDays} days: ${f.observed.sequence.map((s) => `${s.vendor} ${s.evr} (${day(s.from)})`).join(' → ')}`);
      }
      if (f.predicted) {
        lines.push(`predicted: the lead changed hands ${f.predicted.leadChanges} times: ${f.predicted.leads.map((l) => `${l.vendor} ${l.evr} (${day(l.at)})`).join(' → ')}`);
      }
      return lines;
    }
    case 'rollback':
      return [f.source === 'observed' ? `${f.lost} went away and ${f.best} became the best on ${day(f.at)}${f.recoveredAt ? `; recovered ${day(f.recoveredAt)}` : ''}` : f.message];
    case 'regression':
      return [
        f.change === 'dropped'
          ? `${f.from.profile} ships ${f.from.evr} (${f.from.repoId}); ${f.path}'s next release does not ship it`
          : `${f.from.profile}: ${f.from.evr} (${f.from.repoId}) > ${f.to!.profile}: ${f.to!.evr} (${f.to!.repoId})${f.gap === 'none' ? ' — same upstream version, packaging differs' : f.gap ? ` — ${f.gap} gap` : ''}`,
      ];
    case 'lag':
      return [
        `distro ${f.distro.evr} (${f.distro.repoId}) vs upstream ${f.upstream.evr} (${f.upstream.repoId}): ${f.gap}, ${f.newerReleases} newer release${f.newerReleases === 1 ? '' : 's'}, ${f.daysBehind} days behind${f.abandonedSeries ? `; series ${f.distroMajor}.x abandoned upstream` : ''}`,
      ];
  }
}

export const KIND_HEADINGS: Record<Finding['kind'], string> = {
  clash: 'Name clashes',
  pingpong: 'Version ping-pong',
  rollback: 'Metadata rollbacks',
  regression: 'Upgrade-path regressions',
  lag: 'Lag behind upstream',
};
