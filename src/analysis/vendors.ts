/**
 * Vendor names as the analysis compares them. repos.yaml, yum .repo hints and rpm headers spell one
 * organisation many ways ("Fedora Project", "fedora  project", "Fedora"); every comparison of
 * vendors goes through one normaliser built from `vendor-equivalences`, so "two vendors" always
 * means two organisations.
 */
import type { RepoConfig } from '../config/types.js';
import type { PackageFormat } from '../formats/types.js';

/** Case- and whitespace-insensitive identity of a vendor spelling: "  Fedora   Project" → "fedora project". */
export function vendorKey(vendor: string): string {
  return vendor.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The spelling shown to people: trimmed, inner whitespace collapsed, case kept. */
function tidy(vendor: string): string {
  return vendor.trim().replace(/\s+/g, ' ');
}

export interface VendorNormaliser {
  /**
   * The canonical name of a vendor: the first spelling of its equivalence group as written in
   * repos.yaml, or for a vendor in no group the first spelling met of it (tidied). Equal canonical names ⇔ same
   * organisation. null/empty → "(unknown vendor)".
   */
  canonical(vendor: string | null | undefined): string;
  same(a: string | null | undefined, b: string | null | undefined): boolean;
}

export const UNKNOWN_VENDOR = '(unknown vendor)';

/**
 * Build the normaliser. Groups that share a member are merged (["CentOS", "Red Hat"] and
 * ["Red Hat", "Red Hat, Inc."] make one organisation), so the result does not depend on how the
 * user split the list; the merged group's canonical name is the first spelling of the first group.
 */
export function vendorNormaliser(equivalences: readonly (readonly string[])[]): VendorNormaliser {
  // Union-find over vendor keys.
  const parent = new Map<string, string>();
  const display = new Map<string, string>();
  const find = (k: string): string => {
    let root = k;
    while (parent.get(root) !== root) root = parent.get(root)!;
    // Path compression keeps repeated lookups flat.
    for (let node = k; node !== root; ) {
      const next = parent.get(node)!;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  for (const group of equivalences) {
    const keys = group.filter((v) => v.trim() !== '').map((v) => {
      const k = vendorKey(v);
      if (!parent.has(k)) {
        parent.set(k, k);
        display.set(k, tidy(v));
      }
      return k;
    });
    const first = keys[0];
    if (first === undefined) continue;
    for (const k of keys.slice(1)) {
      const a = find(first);
      const b = find(k);
      // The root that was registered earlier stays the root: its spelling is the canonical one.
      if (a !== b) parent.set(b, a);
    }
  }
  // Ungrouped vendors: the first spelling met stands for every case/whitespace variant of it, so
  // canonical names can be compared (and used as map keys) as plain strings.
  const firstSpelling = new Map<string, string>();
  // Raw spelling → canonical: the analyses ask for the same few spellings hundreds of thousands of times.
  const memo = new Map<string, string>();
  const canonical = (vendor: string | null | undefined): string => {
    if (vendor === null || vendor === undefined) return UNKNOWN_VENDOR;
    const known = memo.get(vendor);
    if (known !== undefined) return known;
    let name: string;
    const k = vendorKey(vendor);
    if (k === '') name = UNKNOWN_VENDOR;
    else if (parent.has(k)) name = display.get(find(k))!;
    else {
      name = firstSpelling.get(k) ?? tidy(vendor);
      firstSpelling.set(k, name);
    }
    memo.set(vendor, name);
    return name;
  };
  return {
    canonical,
    same: (a, b) => canonical(a) === canonical(b),
  };
}

/**
 * Who publishes a version, as the package manager compares vendors. rpm: the package header's
 * `Vendor` — what dnf's allow_vendor_change compares (a repo may carry another vendor's rebuilt
 * package) — and the repo's vendor for a package without one. deb: the repo's vendor (its Release
 * Origin): apt knows only where a version comes from. `host`, `audit` and the winners recorded
 * after a crawl all read vendors through this one rule.
 */
export function publisherOf(format: PackageFormat, headerVendor: string | null, repoVendor: string): string {
  return format === 'rpm' && headerVendor !== null && headerVendor.trim() !== '' ? headerVendor : repoVendor;
}

/** A Candidate's `publisher`: publisherOf through the normaliser, so equivalent spellings are one vendor. */
export function canonicalPublisher(vendors: VendorNormaliser, format: PackageFormat, headerVendor: string | null, repoVendor: string): string {
  return vendors.canonical(publisherOf(format, headerVendor, repoVendor));
}

/**
 * The vendor of a recorded winner (its repo and recorded vendor) as the audit tells vendors apart:
 * the audit's ping-pong findings and the store screen choosing their names must use this one rule.
 * A repo no longer configured: only the recorded vendor is left.
 */
export function winnerVendorOf(vendors: VendorNormaliser, repos: ReadonlyMap<string, RepoConfig>): (repoId: string, recorded: string | null) => string {
  return (repoId, recorded) => {
    const repo = repos.get(repoId);
    return repo ? canonicalPublisher(vendors, repo.format, recorded, repo.vendor) : vendors.canonical(recorded);
  };
}
