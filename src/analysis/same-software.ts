/**
 * Is it the same program? Two vendors shipping one name may package the same software (Fedora's
 * and grafana.com's grafana) or two unrelated programs that happen to share a name (Debian's old
 * ax25 `node` and Node.js) — then installing one replaces the other. Packages only tell us their
 * URL/Homepage, source package and summary; this module weighs those.
 *
 * Rules (per pair of vendors; signals compared over all the versions each ships):
 * - url (strong): equal after normaliseUrl → same; otherwise the same project name
 *   (projectNames: domain label, forge repo, or a path segment equal to the package name) → same;
 *   both known and nothing in common → different; either missing → unknown.
 * - source (medium): equal source package names → same, different names → different.
 * - summary (weak): word-set Jaccard ≥ 0.5 → same, ≤ 0.1 → different, otherwise unknown.
 * Verdict: url same → same. url different → different, unless source or summary say same
 * (conflict → unknown). url unknown → source same → same; source different and summary different
 * → different; anything else unknown. A weak signal alone never decides: a false 'different'
 * raises an error, a false 'same' hides one.
 * Over several vendors: any pair different → different; every pair same → same; else unknown.
 */
import type { SameSoftware, SoftwareEvidence } from './findings.js';

/** Hosts whose first two path segments name a project (owner/repo). */
const FORGES = new Set(['github.com', 'gitlab.com', 'codeberg.org', 'bitbucket.org', 'git.sr.ht', 'gitea.com']);
/** Hosts whose projects live under a path prefix: host → prefix segment. */
const PATH_HOSTS = new Map([
  ['sourceforge.net', 'projects'],
  ['gnu.org', 'software'],
  ['pypi.org', 'project'],
  ['crates.io', 'crates'],
  ['npmjs.com', 'package'],
]);
/** Hosting domains whose subdomain is the project: grafana.github.io, x.sourceforge.net. */
const PROJECT_SUBDOMAIN_HOSTS = ['github.io', 'gitlab.io', 'sourceforge.net', 'sourceforge.io', 'readthedocs.io', 'pages.dev'];
/** Second-level labels of country domains: example.co.uk → example. */
const GENERIC_SLD = new Set(['co', 'com', 'org', 'net', 'ac', 'gov', 'edu', 'or', 'ne']);

/**
 * A URL in comparable form: https, host lower-cased without www. and default port, no query,
 * fragment or trailing slash; forge URLs cut to host/owner/repo (no .git). Input without a scheme
 * ("github.com/x/y") is read as https. null for an empty or unreadable URL.
 */
export function normaliseUrl(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  let text = raw.trim();
  if (text === '') return null;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `https://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const host = url.hostname.toLowerCase().replace(/^www\./, '').replace(/\.$/, '');
  let segments = url.pathname.split('/').filter((s) => s !== '');
  if (FORGES.has(host)) {
    segments = segments.slice(0, 2);
    const last = segments.length - 1;
    if (last >= 0) segments[last] = segments[last]!.replace(/\.git$/i, '');
    segments = segments.map((s) => s.toLowerCase());
  }
  return `https://${host}${segments.length ? '/' + segments.join('/') : ''}`;
}

function hostAndSegments(normalised: string): { host: string; segments: string[] } {
  const rest = normalised.slice('https://'.length);
  const [host, ...segments] = rest.split('/');
  return { host: host ?? '', segments };
}

/** The label that names the organisation in a host: grafana.com → grafana, example.co.uk → example. */
function domainLabel(host: string): string | null {
  const labels = host.split('.');
  if (labels.length < 2) return labels[0] || null;
  const tld = labels[labels.length - 1]!;
  const sld = labels[labels.length - 2]!;
  if (labels.length >= 3 && tld.length === 2 && GENERIC_SLD.has(sld)) return labels[labels.length - 3]!;
  return sld;
}

/**
 * Names of the project a (normalised) URL points at, lower case: the forge repo (and owner, when
 * owner and repo agree), the project of a path host, the subdomain on a hosting domain, else the
 * domain label — plus any path segment equal to the package name (grafana.com/oss/loki for loki).
 */
export function projectNames(normalised: string, packageName: string): Set<string> {
  const { host, segments } = hostAndSegments(normalised);
  const names = new Set<string>();
  const lowerSegments = segments.map((s) => s.toLowerCase());
  if (FORGES.has(host)) {
    if (lowerSegments[1]) names.add(lowerSegments[1]);
    else if (lowerSegments[0]) names.add(lowerSegments[0]);
  } else {
    const prefix = PATH_HOSTS.get(host);
    const hosting = PROJECT_SUBDOMAIN_HOSTS.find((h) => host.endsWith(`.${h}`));
    if (prefix !== undefined && lowerSegments[0] === prefix && lowerSegments[1]) {
      names.add(lowerSegments[1]);
    } else if (hosting !== undefined) {
      const sub = host.slice(0, -hosting.length - 1).split('.');
      names.add(sub[sub.length - 1]!);
    } else {
      const label = domainLabel(host);
      if (label) names.add(label);
    }
  }
  const wanted = packageName.toLowerCase();
  if (lowerSegments.includes(wanted)) names.add(wanted);
  return names;
}

const STOPWORDS = new Set(
  'a an and the of for to in on with by from or is it its as at be this that your you our server client tool tools package'.split(' '),
);

function summaryWords(summary: string): Set<string> {
  const words = new Set<string>();
  for (const w of summary.toLowerCase().match(/[a-z0-9]+/g) ?? []) if (w.length >= 2 && !STOPWORDS.has(w)) words.add(w);
  return words;
}

/** Jaccard similarity of the summaries' content words (0–1); null when either has none. */
export function summarySimilarity(a: string, b: string): number | null {
  const wa = summaryWords(a);
  const wb = summaryWords(b);
  if (wa.size === 0 || wb.size === 0) return null;
  let common = 0;
  for (const w of wa) if (wb.has(w)) common++;
  return common / (wa.size + wb.size - common);
}

/** What one vendor's versions say about themselves (from every version it ships). */
export interface SoftwareFacts {
  vendor: string;
  urls: string[];
  sourceNames: string[];
  summaries: string[];
}

interface Signals {
  url: SoftwareEvidence;
  source: SoftwareEvidence;
  summary: SoftwareEvidence;
}

function compareUrls(name: string, a: SoftwareFacts, b: SoftwareFacts): SoftwareEvidence {
  const ua = a.urls.map(normaliseUrl).filter((u): u is string => u !== null);
  const ub = b.urls.map(normaliseUrl).filter((u): u is string => u !== null);
  if (ua.length === 0 || ub.length === 0) {
    return { signal: 'url', verdict: 'unknown', detail: `${ua.length ? b.vendor : a.vendor} gives no URL` };
  }
  const exact = ua.find((u) => ub.includes(u));
  if (exact) return { signal: 'url', verdict: 'same', detail: `both give ${exact}` };
  for (const x of ua) {
    const px = projectNames(x, name);
    for (const y of ub) {
      for (const p of projectNames(y, name)) {
        if (px.has(p)) return { signal: 'url', verdict: 'same', detail: `${x} and ${y} name the same project '${p}'` };
      }
    }
  }
  return { signal: 'url', verdict: 'different', detail: `${a.vendor}: ${ua.join(', ')}; ${b.vendor}: ${ub.join(', ')}` };
}

function compareSources(a: SoftwareFacts, b: SoftwareFacts): SoftwareEvidence {
  const sa = new Set(a.sourceNames.map((s) => s.toLowerCase()));
  const sb = new Set(b.sourceNames.map((s) => s.toLowerCase()));
  if (sa.size === 0 || sb.size === 0) return { signal: 'source', verdict: 'unknown', detail: 'source package unknown' };
  for (const s of sa) if (sb.has(s)) return { signal: 'source', verdict: 'same', detail: `both built from source '${s}'` };
  return { signal: 'source', verdict: 'different', detail: `sources ${[...sa].join(', ')} vs ${[...sb].join(', ')}` };
}

function compareSummaries(a: SoftwareFacts, b: SoftwareFacts): SoftwareEvidence {
  let best: number | null = null;
  for (const x of a.summaries) {
    for (const y of b.summaries) {
      const s = summarySimilarity(x, y);
      if (s !== null && (best === null || s > best)) best = s;
    }
  }
  if (best === null) return { signal: 'summary', verdict: 'unknown', detail: 'no summary to compare' };
  const verdict: SameSoftware = best >= 0.5 ? 'same' : best <= 0.1 ? 'different' : 'unknown';
  return { signal: 'summary', verdict, detail: `summary similarity ${best.toFixed(2)}` };
}

function combine({ url, source, summary }: Signals): SameSoftware {
  if (url.verdict === 'same') return 'same';
  if (url.verdict === 'different') return source.verdict === 'same' || summary.verdict === 'same' ? 'unknown' : 'different';
  if (source.verdict === 'same') return 'same';
  if (source.verdict === 'different' && summary.verdict === 'different') return 'different';
  return 'unknown';
}

/** The verdict over all vendors of a clash, with the evidence of every pair. */
export function judgeSameSoftware(name: string, vendors: readonly SoftwareFacts[]): { verdict: SameSoftware; evidence: SoftwareEvidence[] } {
  const evidence: SoftwareEvidence[] = [];
  let anyDifferent = false;
  let allSame = true;
  const pairwise = vendors.length > 2;
  for (let i = 0; i < vendors.length; i++) {
    for (let j = i + 1; j < vendors.length; j++) {
      const a = vendors[i]!;
      const b = vendors[j]!;
      const signals: Signals = { url: compareUrls(name, a, b), source: compareSources(a, b), summary: compareSummaries(a, b) };
      const verdict = combine(signals);
      anyDifferent ||= verdict === 'different';
      allSame &&= verdict === 'same';
      for (const e of [signals.url, signals.source, signals.summary]) {
        // With more than two vendors, say which pair each piece of evidence is about.
        evidence.push(pairwise ? { ...e, detail: `${a.vendor} / ${b.vendor}: ${e.detail}` } : e);
      }
    }
  }
  return { verdict: anyDifferent ? 'different' : allSame && vendors.length > 1 ? 'same' : 'unknown', evidence };
}
