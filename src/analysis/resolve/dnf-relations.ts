/**
 * rpm relations as libsolv matches them for dnf: an `Obsoletes:` entry against an installed
 * package's name and EVR (by name only — dnf does not set obsoleteusesprovides), and the facts of
 * a candidate package looked up from its repo's dnf facts.
 */
import { compareEvr, parseEvr, type Evr } from '../../formats/rpm/version.js';
import type { DnfRelation, DnfRepoFacts } from '../../store/index.js';

/**
 * Does `rel` (name, optional flags EQ/LT/LE/GT/GE and EVR) match a package of this name and EVR?
 * A relation without a release compares epoch and version only, as rpm does; a missing epoch is 0.
 */
export function relationMatches(rel: DnfRelation, name: string, evr: Evr): boolean {
  if (rel.name !== name) return false;
  if (rel.flags === undefined || rel.version === undefined) return true;
  let wanted: Evr;
  try {
    wanted = parseEvr(rel.version);
  } catch {
    return false;
  }
  const order = compareEvr(wanted.release === '' ? { ...evr, release: '' } : evr, wanted);
  switch (rel.flags) {
    case 'EQ':
      return order === 0;
    case 'LT':
      return order < 0;
    case 'LE':
      return order <= 0;
    case 'GT':
      return order > 0;
    case 'GE':
      return order >= 0;
    default:
      return false;
  }
}

/** The facts of one package of a repo, by "repo name arch evr". */
export interface PackageFacts {
  obsoletes: DnfRelation[];
  provides: string[];
}

const keyOf = (repoId: string, name: string, arch: string, evr: string) => `${repoId}\u0000${name}\u0000${arch}\u0000${evr}`;

/** Index the repos' facts for lookups by candidate. */
export function packageFactsIndex(facts: ReadonlyMap<string, DnfRepoFacts> | undefined): (c: { repoId: string; name: string; arch: string; evr: string }) => PackageFacts {
  const index = new Map<string, PackageFacts>();
  const entry = (key: string): PackageFacts => {
    let e = index.get(key);
    if (!e) index.set(key, (e = { obsoletes: [], provides: [] }));
    return e;
  };
  for (const [repoId, f] of facts ?? []) {
    for (const o of f.obsoletes) entry(keyOf(repoId, o.name, o.arch, o.evr)).obsoletes.push(...o.obsoletes);
    for (const p of f.provides) entry(keyOf(repoId, p.name, p.arch, p.evr)).provides.push(...p.provides);
  }
  const none: PackageFacts = { obsoletes: [], provides: [] };
  return (c) => index.get(keyOf(c.repoId, c.name, c.arch, c.evr)) ?? none;
}
