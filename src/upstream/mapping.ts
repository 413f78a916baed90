/**
 * Which release feed is a distribution package's upstream, found from what the metadata says, with
 * every step recorded so `repoclash upstream --explain NAME` can show the chain:
 *
 * 1. `upstreams:` in repos.yaml, by binary or source package name (a person said so);
 * 2. a Homepage / URL that is a registry's project page (npm, PyPI, crates.io / docs.rs, MetaCPAN);
 * 3. naming conventions — Debian `node-*` → npm, `python3-*` → PyPI, `lib*-perl` → CPAN,
 *    `librust-*-dev` / `rust-*` → crates.io, `golang-github-*` → GitHub; Fedora `nodejs-*`,
 *    `python3-*`, `perl-*`, `rust-*`, `golang-github-*` likewise;
 * 4. a Homepage / URL on a forge: github.com/OWNER/REPO, OWNER.github.io/REPO, a GitLab host;
 * 5. Anitya's mapping of the distribution's package names, when `upstream-sources:
 *    anitya-distribution` names the distribution.
 * The first step that yields a feed is used; the others stay in the chain as alternatives.
 * (Binary package indexes carry no Vcs-* fields — they live in Sources — so Vcs is not a step.)
 *
 * Registry pages are recognised by their path shape on a host whose name says what it is
 * (`/package/NAME` on an npm host, `/project/NAME` on a PyPI host…), never by a fixed host list.
 */
import { parseFeedKey, type FeedRef } from './types.js';
import type { PackageFormat } from '../formats/types.js';

export type MappingRule = 'override' | 'homepage' | 'naming' | 'forge' | 'anitya';

export interface MappingStep {
  rule: MappingRule;
  feed: FeedRef;
  /** How it was found, for a person: "Debian name node-* → npm package". */
  detail: string;
}

export interface PackageFacts {
  name: string;
  sourceName: string | null;
  /** rpm URL / deb Homepage. */
  url: string | null;
  format: PackageFormat;
}

export interface UpstreamMapping {
  name: string;
  /** The feed used (the first step not known to be missing), null when nothing maps. */
  feed: FeedRef | null;
  /** The step that gave `feed`. */
  step: MappingStep | null;
  /** The Homepage / URL the mapping read (for checking a fetched feed against it). */
  homepage: string | null;
  steps: MappingStep[];
}

export interface MappingOptions {
  /** repos.yaml `upstreams:` (name → feed key, already validated). */
  overrides?: ReadonlyMap<string, string>;
  /** Anitya distribution for step 5. */
  anityaDistribution?: string;
  /** Feed keys a source answered "no such project" for: the chain moves on to the next step. */
  missing?: ReadonlySet<string>;
  /**
   * The project URLs each fetched feed declares (npm's repository, …). A guessed name whose project
   * is plainly another GitHub repository than the package's Homepage is passed over for a later
   * guess that matches (`node-ansi-up` is npm `ansi_up`, not the unrelated `ansi-up`).
   */
  projectUrls?: ReadonlyMap<string, readonly string[]>;
}

/** Same GitHub repository: same owner/repo, or the same repository name under a new owner (a transfer). */
function sameGithubRepo(a: string, b: string): boolean {
  if (a === b) return true;
  const name = (loc: string) => loc.split('/').pop()!.replace(/^node-/, '');
  const owner = (loc: string) => loc.split('/')[0];
  return name(a) === name(b) || owner(a) === owner(b);
}

/**
 * Does a feed's declared project contradict the package's Homepage? Only when both are GitHub
 * repositories that share neither the repository name nor the owner: anything less clear (a
 * website Homepage, no repository declared) is no evidence either way.
 */
export function contradictsHomepage(homepage: string | null, projectUrls: readonly string[] | undefined): boolean {
  const home = homepage ? projectLocation(homepage) : null;
  if (!home?.startsWith('github:') || !projectUrls) return false;
  const theirs = projectUrls.map(projectLocation).filter((l): l is string => l !== null && l.startsWith('github:'));
  return theirs.length > 0 && !theirs.some((t) => sameGithubRepo(t, home));
}

const cleanRepo = (s: string): string => s.replace(/\.git$/i, '');

/** A registry project page (step 2) or a forge project (step 4) named by a URL. */
export function feedFromUrl(text: string): { feed: FeedRef; registry: boolean } | null {
  let url: URL;
  try {
    url = new URL(text.trim().replace(/^git\+/, '').replace(/^git:\/\//, 'https://').replace(/^git@([^:]+):/, 'https://$1/'));
  } catch {
    return null;
  }
  const host = url.hostname.toLowerCase().replace(/^www\./, '');
  const parts = url.pathname.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  const labels = host.split('.');
  const has = (word: string) => labels.slice(0, -1).some((l) => l.includes(word));
  // Registries: project pages.
  if (has('npm') && parts[0] === 'package' && parts[1]) {
    const name = parts[1].startsWith('@') && parts[2] ? `${parts[1]}/${parts[2]}` : parts[1];
    return { feed: { source: 'npm', project: name }, registry: true };
  }
  if ((has('pypi') || has('pythonhosted')) && (parts[0] === 'project' || parts[0] === 'pypi') && parts[1]) {
    return { feed: { source: 'pypi', project: parts[1] }, registry: true };
  }
  if (has('crates') && parts[0] === 'crates' && parts[1]) return { feed: { source: 'crates', project: parts[1] }, registry: true };
  if (labels[0] === 'docs' && labels[1] === 'rs' && parts[0] && parts[0] !== 'releases') return { feed: { source: 'crates', project: parts[0] }, registry: true };
  if (has('cpan') && (parts[0] === 'release' || parts[0] === 'dist') && parts[1]) {
    // /release/AUTHOR/Dist-1.0 (a release page) or /release/Dist, /dist/Dist.
    const dist = parts[2] ? parts[2].replace(/-v?\d[\w.]*$/, '') : parts[1];
    return { feed: { source: 'cpan', project: dist }, registry: true };
  }
  // Forges.
  if (host === 'github.com' && parts.length >= 2) return { feed: { source: 'github', project: `${parts[0]}/${cleanRepo(parts[1]!)}` }, registry: false };
  if (host.endsWith('.github.io') && parts.length >= 1) {
    return { feed: { source: 'github', project: `${labels[0]}/${cleanRepo(parts[0]!)}` }, registry: false };
  }
  if (has('gitlab') && parts.length >= 2) {
    const end = parts.indexOf('-');
    const path = (end > 0 ? parts.slice(0, end) : parts).map(cleanRepo);
    if (path.length >= 2) return { feed: { source: 'gitlab', project: `${host}/${path.join('/')}` }, registry: false };
  }
  return null;
}

/**
 * Other npm names a Debian `node-X` may stand for, most likely first: Debian drops the `@` and `/`
 * of scoped packages (`node-codemirror-lang-cpp` is `@codemirror/lang-cpp`), keeps a `node-` that
 * is part of the npm name (`node-addon-api`), and writes `_` as `-` (`string_decoder`). A GitHub
 * Homepage OWNER/REPO with X = OWNER-REPO puts `@OWNER/REPO` first.
 */
export function npmAlternatives(x: string, homepage: FeedRef | null): string[] {
  const out: string[] = [];
  if (homepage?.source === 'github') {
    const [owner, repo] = homepage.project.toLowerCase().split('/') as [string, string];
    if (x === `${owner}-${repo}`) out.push(`@${owner}/${repo}`);
  }
  const homeRepo = homepage?.source === 'github' ? homepage.project.toLowerCase().split('/')[1]! : null;
  const hyphens = [...x.matchAll(/-/g)].map((m) => m.index!);
  for (const i of hyphens.slice(0, 2)) out.push(`@${x.slice(0, i)}/${x.slice(i + 1)}`);
  out.push(`node-${x}`);
  if (x.includes('-')) out.push(x.replace(/-/g, '_'));
  // The Homepage's repository name as the npm name (`node-bignumber` is npm `bignumber.js`).
  if (homeRepo && homeRepo !== x && /^[a-z0-9][\w.-]*$/.test(homeRepo)) out.push(homeRepo);
  return [...new Set(out)].filter((n) => n !== x);
}

/** Step 3: the conventions distributions name language-ecosystem packages by. */
export function feedFromName(name: string, format: PackageFormat): { feed: FeedRef; detail: string } | null {
  let m: RegExpExecArray | null;
  if (format === 'deb') {
    if ((m = /^node-types-(.+)$/.exec(name))) return { feed: { source: 'npm', project: `@types/${m[1]}` }, detail: 'Debian name node-types-* → npm package @types/*' };
    if ((m = /^node-(.+)$/.exec(name))) return { feed: { source: 'npm', project: m[1]! }, detail: 'Debian name node-* → npm package' };
    if ((m = /^python3-(.+)$/.exec(name))) return { feed: { source: 'pypi', project: m[1]! }, detail: 'Debian name python3-* → PyPI project' };
    if ((m = /^lib(.+)-perl$/.exec(name))) return { feed: { source: 'cpan', project: m[1]! }, detail: 'Debian name lib*-perl → CPAN distribution (letter case guessed)' };
    if (!name.includes('+') && (m = /^librust-(.+?)(?:-\d+(?:\.\d+)*)?-dev$/.exec(name))) return { feed: { source: 'crates', project: m[1]! }, detail: 'Debian name librust-*-dev → crate' };
    if ((m = /^rust-(.+)$/.exec(name))) return { feed: { source: 'crates', project: m[1]! }, detail: 'Debian source name rust-* → crate' };
    if ((m = /^golang-github-([^-]+)-(.+?)(?:-dev)?$/.exec(name))) return { feed: { source: 'github', project: `${m[1]}/${m[2]}` }, detail: 'Debian name golang-github-OWNER-REPO → GitHub (split at the first "-")' };
    return null;
  }
  if ((m = /^nodejs-(.+)$/.exec(name))) return { feed: { source: 'npm', project: m[1]! }, detail: 'rpm name nodejs-* → npm package' };
  if ((m = /^python3-(.+)$/.exec(name))) return { feed: { source: 'pypi', project: m[1]! }, detail: 'rpm name python3-* → PyPI project' };
  if ((m = /^perl-([A-Z].*)$/.exec(name))) return { feed: { source: 'cpan', project: m[1]! }, detail: 'rpm name perl-* → CPAN distribution' };
  if (!name.includes('+') && (m = /^rust-(.+?)(?:-devel)?$/.exec(name))) return { feed: { source: 'crates', project: m[1]! }, detail: 'rpm name rust-* → crate' };
  if ((m = /^golang-github-([^-]+)-(.+?)(?:-devel)?$/.exec(name))) return { feed: { source: 'github', project: `${m[1]}/${m[2]}` }, detail: 'rpm name golang-github-OWNER-REPO → GitHub (split at the first "-")' };
  return null;
}

const sameFeed = (a: FeedRef, b: FeedRef): boolean => a.source === b.source && a.project.toLowerCase() === b.project.toLowerCase();

/** Every step for one package, in order; the first is the mapping. */
export function mapPackage(facts: PackageFacts, options: MappingOptions = {}): UpstreamMapping {
  const steps: MappingStep[] = [];
  const add = (step: MappingStep) => {
    if (!steps.some((s) => sameFeed(s.feed, step.feed))) steps.push(step);
  };
  for (const key of [facts.name, facts.sourceName]) {
    const override = key ? options.overrides?.get(key) : undefined;
    const feed = override ? parseFeedKey(override) : null;
    if (feed) add({ rule: 'override', feed, detail: `repos.yaml upstreams: ${key}: ${override}` });
  }
  const fromUrl = facts.url ? feedFromUrl(facts.url) : null;
  const urlLabel = facts.format === 'deb' ? 'Homepage' : 'URL';
  if (fromUrl?.registry) add({ rule: 'homepage', feed: fromUrl.feed, detail: `${urlLabel} ${facts.url} is a ${fromUrl.feed.source} project page` });
  const byName = feedFromName(facts.name, facts.format) ?? (facts.sourceName && facts.sourceName !== facts.name ? feedFromName(facts.sourceName, facts.format) : null);
  if (byName) {
    // A golang-github-* split is a guess; a GitHub homepage of the same package settles it.
    const settled = byName.feed.source === 'github' && fromUrl?.feed.source === 'github' ? { ...byName, feed: fromUrl.feed, detail: `${byName.detail}; ${urlLabel} gives the split` } : byName;
    add({ rule: 'naming', feed: settled.feed, detail: settled.detail });
    if (settled.feed.source === 'npm' && facts.format === 'deb' && !settled.feed.project.startsWith('@')) {
      for (const alt of npmAlternatives(settled.feed.project, fromUrl?.feed ?? null)) {
        const how = alt.startsWith('@') ? 'a scoped package' : alt.startsWith('node-') ? 'the name with its node- prefix' : alt === settled.feed.project.replace(/-/g, '_') ? '"_" for "-"' : `the ${urlLabel}'s repository name`;
        add({ rule: 'naming', feed: { source: 'npm', project: alt }, detail: `${settled.detail}, if "${settled.feed.project}" does not exist or is another project: ${how}` });
      }
    }
  }
  if (fromUrl && !fromUrl.registry) add({ rule: 'forge', feed: fromUrl.feed, detail: `${urlLabel} ${facts.url} is a ${fromUrl.feed.source} project` });
  if (options.anityaDistribution) {
    add({ rule: 'anitya', feed: { source: 'anitya', project: `${options.anityaDistribution}/${facts.sourceName ?? facts.name}` }, detail: `Anitya's ${options.anityaDistribution} package mapping` });
  }
  const key = (s: MappingStep) => `${s.feed.source}:${s.feed.project}`;
  const present = steps.filter((s) => !options.missing?.has(key(s)));
  // A naming guess contradicted by the Homepage gives way to a later step that is not.
  const contradicted = (s: MappingStep) => s.rule === 'naming' && contradictsHomepage(facts.url, options.projectUrls?.get(key(s)));
  const used = present.find((s) => !contradicted(s)) ?? present[0];
  return { name: facts.name, homepage: facts.url, feed: used?.feed ?? null, step: used ?? null, steps };
}

/** Normalised `host/owner/repo` of a project URL, for comparing a registry's repository with a Homepage. */
export function projectLocation(text: string): string | null {
  const found = feedFromUrl(text);
  if (found && !found.registry) return `${found.feed.source}:${found.feed.project.toLowerCase()}`;
  try {
    const url = new URL(text.trim().replace(/^git\+/, ''));
    return `${url.hostname.replace(/^www\./, '')}${url.pathname.replace(/\/+$/, '').replace(/\.git$/, '')}`.toLowerCase();
  } catch {
    return null;
  }
}
