/**
 * The fix for a host risk, as text to paste: an `excludepkgs=` line for the .repo section of the
 * repo that would take a package over, a `priority=` for the vendor's own repo, or an apt
 * preferences stanza. Pure: every fix is checked by re-resolving the package with the change
 * applied (the `simulate` callback runs the same resolver), so `verified` says whether it works.
 */
import path from 'node:path';
import { parsePreferences, type AptPin } from '../config/apt-preferences.js';
import { repoLabel } from '../config/repo-identity.js';
import { aptOriginHost } from '../config/release-vendors.js';
import type { ProfileConfig, RepoConfig, RpmRepoConfig } from '../config/types.js';
import type { AptReleaseFacts, Resolution } from '../analysis/types.js';
import type { HostAction, HostFix, HostRisk } from './types.js';

export interface FixContext {
  profile: ProfileConfig;
  repos: ReadonlyMap<string, RepoConfig>;
  releases: ReadonlyMap<string, AptReleaseFacts>;
  /** The installed package's resolution under a changed configuration (undefined: not found). */
  simulate(profile: ProfileConfig, repos: ReadonlyMap<string, RepoConfig>): Resolution | undefined;
  /** The host actions a resolution means (the same classification the report uses). */
  classify(resolution: Resolution): { action: HostAction; syncAction: HostAction };
}

/** The host's name for a repo (its section), which is what a fix must name. */
const labelOf = (repo: RepoConfig): string => repo.label ?? repo.id;

type Risk = Pick<HostRisk, 'name' | 'arch' | 'installed' | 'action' | 'syncAction' | 'from' | 'to' | 'syncTo'>;

/** The repo whose offer is the problem, for the risk being fixed; null when none is left. */
function offendingRepo(r: Resolution | undefined, c: { action: HostAction; syncAction: HostAction } | null, kind: 'vendor-change' | 'downgrade'): string | null {
  if (!r || !c) return null;
  if (kind === 'vendor-change') {
    if (c.action === 'vendor-change') return r.upgradeTo?.repoId ?? null;
    if (c.syncAction === 'vendor-change') return r.syncTo?.repoId ?? null;
    return null;
  }
  return c.syncAction === 'downgrade' || c.action === 'downgrade' ? (r.syncTo?.repoId ?? r.upgradeTo?.repoId ?? null) : null;
}

function fixed(c: { action: HostAction; syncAction: HostAction } | null, kind: 'vendor-change' | 'downgrade'): boolean {
  if (!c) return false;
  // A fix must not trade one risk for another.
  const bad = new Set<HostAction>(['vendor-change', 'downgrade', kind]);
  return !bad.has(c.action) && !bad.has(c.syncAction);
}

function simulateAndClassify(ctx: FixContext, profile: ProfileConfig, repos: ReadonlyMap<string, RepoConfig>) {
  const r = ctx.simulate(profile, repos);
  return { r, c: r ? ctx.classify(r) : null };
}

/**
 * Exclude the name from each repo that would take it over, one after the other (excluding the
 * first may hand it to a third vendor), at most `limit` repos.
 */
function excludeUntilFixed(ctx: FixContext, risk: Risk, kind: 'vendor-change' | 'downgrade', limit = 4): HostFix[] {
  const repos = new Map(ctx.repos);
  const touched: RpmRepoConfig[] = [];
  let state = simulateAndClassify(ctx, ctx.profile, repos);
  for (let i = 0; i < limit; i++) {
    const id = offendingRepo(state.r, state.c, kind);
    const repo = id === null ? undefined : repos.get(id);
    if (!repo || repo.format !== 'rpm' || touched.some((t) => t.id === id)) break;
    const changed: RpmRepoConfig = { ...repo, excludepkgs: [...repo.excludepkgs, risk.name] };
    repos.set(repo.id, changed);
    touched.push(repo);
    state = simulateAndClassify(ctx, ctx.profile, repos);
  }
  const verified = touched.length > 0 && fixed(state.c, kind);
  return touched.map((repo) => ({
    kind: 'dnf-excludepkgs',
    file: repo.definedAt.file,
    section: labelOf(repo),
    // A section holds one excludepkgs line: extend the one that is there.
    text: `excludepkgs=${[...repo.excludepkgs, risk.name].join(',')}`,
    summary:
      kind === 'vendor-change'
        ? `keep ${risk.name} from being taken from repo ${labelOf(repo)}${verified ? '' : ' (not enough on its own: see the other repos)'}`
        : `stop repo ${labelOf(repo)} from pulling ${risk.name} down${verified ? '' : ' (not enough on its own)'}`,
    verified,
  }));
}

/** Alternative for a vendor change: make the vendor's own repo outrank the one taking over. */
function priorityFix(ctx: FixContext, risk: Risk): HostFix | null {
  const fromId = risk.from.repo;
  const toId = risk.to?.repo ?? risk.syncTo?.repo;
  const from = fromId === null ? undefined : ctx.repos.get(fromId);
  const to = toId === undefined ? undefined : ctx.repos.get(toId);
  if (!from || !to || from.format !== 'rpm' || to.format !== 'rpm') return null;
  const priority = Math.min(from.priority, to.priority - 1);
  if (priority < 1 || priority === from.priority) return null;
  const repos = new Map(ctx.repos);
  repos.set(from.id, { ...from, priority });
  const { c } = simulateAndClassify(ctx, ctx.profile, repos);
  return {
    kind: 'dnf-priority',
    file: from.definedAt.file,
    section: labelOf(from),
    text: `priority=${priority}`,
    summary: `prefer repo ${labelOf(from)} over ${labelOf(to)} (affects every package both ship)`,
    verified: fixed(c, 'vendor-change'),
  };
}

function prefsDir(profile: ProfileConfig): string {
  // The system profile is defined at ROOT/etc/apt.
  return path.join(profile.definedAt.file, 'preferences.d');
}

/** apt ignores preferences.d files with other characters; keep the name readable. */
function prefsFileName(name: string): string {
  return `repoclash-${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.pref`;
}

/**
 * The narrowest `Pin:` that selects repo `id` but none of the repos in `keep`: its Release
 * origin, else its host, else origin + suite.
 */
function pinSelecting(ctx: FixContext, id: string, keep: readonly string[]): string {
  const facts = (repoId: string): AptReleaseFacts | undefined => ctx.releases.get(repoId);
  const target = facts(id);
  const repo = ctx.repos.get(id);
  const kept = keep.map(facts).filter((f): f is AptReleaseFacts => f !== undefined);
  if (target?.origin && kept.every((k) => k.origin !== target.origin)) return `release o=${target.origin}`;
  const host = target?.host ?? (repo?.format === 'deb' ? aptOriginHost(repo.uri) : '');
  if (host !== '' && kept.every((k) => k.host !== host)) return `origin ${host}`;
  const archive = target?.archive ?? (repo?.format === 'deb' ? repo.suite : '');
  return target?.origin ? `release o=${target.origin},a=${archive}` : `release a=${archive}`;
}

/** Insert pins where apt would read them: after /etc/apt/preferences, preferences.d in name order. */
function withPins(profile: ProfileConfig, file: string, pins: AptPin[]): ProfileConfig {
  const base = path.basename(file);
  const dir = path.dirname(file);
  const at = profile.aptPreferences.findIndex((p) => path.dirname(p.file) === dir && path.basename(p.file) > base);
  const list = [...profile.aptPreferences];
  list.splice(at === -1 ? list.length : at, 0, ...pins);
  return { ...profile, aptPreferences: list };
}

/** The `Package:` word for this package: apt reads a bare name as the native arch's package only. */
function aptPackageWord(profile: ProfileConfig, risk: Risk): string {
  const native = profile.arches.find((a) => a !== 'all');
  return risk.arch === 'all' || risk.arch === native ? risk.name : `${risk.name}:${risk.arch}`;
}

/** apt vendor change: a -1 pin on the repos that would take the package over. */
function aptBlockFix(ctx: FixContext, risk: Risk): HostFix | null {
  const file = path.join(prefsDir(ctx.profile), prefsFileName(risk.name));
  const keep = risk.from.repo === null ? [] : [risk.from.repo];
  const stanzas: string[] = [];
  const blocked: string[] = [];
  let profile = ctx.profile;
  let state = simulateAndClassify(ctx, profile, ctx.repos);
  for (let i = 0; i < 4; i++) {
    const id = offendingRepo(state.r, state.c, 'vendor-change');
    if (id === null || blocked.includes(id)) break;
    const stanza = `Explanation: repoclash: keep ${risk.name} ${risk.installed} from moving to repo ${id}\nPackage: ${aptPackageWord(ctx.profile, risk)}\nPin: ${pinSelecting(ctx, id, keep)}\nPin-Priority: -1\n`;
    stanzas.push(stanza);
    blocked.push(id);
    profile = withPins(ctx.profile, file, parsePreferences(stanzas.join('\n'), file));
    state = simulateAndClassify(ctx, profile, ctx.repos);
  }
  if (stanzas.length === 0) return null;
  return {
    kind: 'apt-preferences',
    file,
    section: null,
    text: stanzas.join('\n'),
    summary: `never take ${risk.name} from ${blocked.map((b) => `repo ${b}`).join(', ')}`,
    verified: fixed(state.c, 'vendor-change'),
  };
}

/** The preferences line that gave a version its priority, from the resolver's "why". */
function pinPlaceOf(resolution: Resolution, evr: string): { file: string; line: number; priority: number } | null {
  const entry = resolution.versionPriorities?.find((v) => v.evr === evr);
  const m = entry ? /^pin (-?\d+) \((.+):(\d+)\)$/.exec(entry.why) : null;
  return m ? { priority: Number(m[1]), file: m[2]!, line: Number(m[3]) } : null;
}

function aptDowngradeFix(ctx: FixContext, risk: Risk, resolution: Resolution): HostFix {
  const to = risk.syncTo ?? risk.to;
  const place = to ? pinPlaceOf(resolution, to.evr) : null;
  if (place) {
    return {
      kind: 'advice',
      file: place.file,
      section: null,
      text: `${place.file}:${place.line}: Pin-Priority ${place.priority} (≥ 1000) makes apt downgrade ${risk.name} ${risk.installed} → ${to!.evr}; set it below 1000 (e.g. 990) unless the downgrade is wanted`,
      summary: `lower the pin at ${place.file}:${place.line} below 1000`,
      verified: false,
    };
  }
  return { kind: 'advice', file: null, section: null, text: `apt would downgrade ${risk.name} to ${to?.evr ?? '?'}; check \`apt-cache policy ${risk.name}\``, summary: 'inspect the pins', verified: false };
}

function strandedAdvice(ctx: FixContext, risk: Risk, resolution: Resolution): HostFix {
  const dnf = ctx.profile.format === 'rpm';
  const best = resolution.ranked.find((e) => e.excluded === undefined)?.candidate ?? null;
  if (best === null) {
    return {
      kind: 'advice',
      file: null,
      section: null,
      text: dnf
        ? `no enabled repo carries ${risk.name}: it gets no updates. Add the repo it came from, or remove it (\`dnf list --extras\` lists such packages)`
        : `no configured source carries ${risk.name}: it gets no updates. Add the source it came from, or remove it (\`apt list '?obsolete'\` lists such packages)`,
      summary: 'no source left',
      verified: false,
    };
  }
  return {
    kind: 'advice',
    file: null,
    section: null,
    text: dnf
      ? `installed ${risk.installed} is newer than anything the repos carry (best: ${best.evr} from repo ${repoLabel(ctx.repos, best.repoId)}); \`dnf distro-sync\` would downgrade it`
      : `installed ${risk.installed} is newer than anything the sources carry (best: ${best.evr} from ${repoLabel(ctx.repos, best.repoId)}); apt keeps it and never updates it`,
    summary: 'newer than every repo',
    verified: false,
  };
}

function blockedAdvice(risk: Risk, resolution: Resolution): HostFix {
  const why = resolution.ranked.find((e) => e.excluded !== undefined)?.excluded ?? 'excluded';
  return { kind: 'advice', file: null, section: null, text: `every version of ${risk.name} is excluded (${why}): it gets no updates until that changes`, summary: 'excluded everywhere', verified: false };
}

/** Fixes for one risky package, best first; empty for same-vendor upgrades and `none`. */
export function fixesFor(ctx: FixContext, risk: Risk, resolution: Resolution): HostFix[] {
  const actions = new Set([risk.action, risk.syncAction]);
  const out: HostFix[] = [];
  if (actions.has('vendor-change')) {
    if (ctx.profile.format === 'rpm') {
      out.push(...excludeUntilFixed(ctx, risk, 'vendor-change'));
      const p = priorityFix(ctx, risk);
      if (p) out.push(p);
    } else {
      const f = aptBlockFix(ctx, risk);
      if (f) out.push(f);
    }
  }
  if (actions.has('downgrade') && !out.some((f) => f.verified)) {
    if (ctx.profile.format === 'rpm') out.push(...excludeUntilFixed(ctx, risk, 'downgrade'));
    else out.push(aptDowngradeFix(ctx, risk, resolution));
  }
  if (actions.has('stranded')) out.push(strandedAdvice(ctx, risk, resolution));
  if (actions.has('blocked')) out.push(blockedAdvice(risk, resolution));
  // Verified fixes first, the rest in the order made.
  return out.map((f, i) => ({ f, i })).sort((a, b) => Number(b.f.verified) - Number(a.f.verified) || a.i - b.i).map((x) => x.f);
}
