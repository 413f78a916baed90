/**
 * Vendor and role for a repo read from a .repo file. The file names neither, so we derive them by
 * rules simple enough to predict, in this order (repos.yaml can override any of it later):
 *
 * 1. A hint comment `# repoclash-vendor: Grafana Labs` / `# repoclash-role: upstream` in the
 *    repo's section (after its `[id]`), or in the file's header (before the first section, which
 *    then applies to every repo in the file). The section's own hint wins.
 * 2. The distro's own repos — ids fedora, updates, updates-testing, fedora-cisco-openh264,
 *    *-modular; EL's baseos, appstream, crb, powertools, extras, highavailability,
 *    resilientstorage, rt, nfv, sap, saphana, plus, devel; CentOS 7's base/updates/extras/
 *    centosplus; RHSM's rhel-*; Oracle's ol<N>_*; each also with -debuginfo/-source suffixes —
 *    get role 'distro' and the distro's rpm Vendor tag (from os-release ID: "Fedora Project",
 *    "Red Hat, Inc.", "CentOS", …; os-release NAME for others).
 * 3. EPEL (epel*) is 'third-party' with vendor "Fedora Project": Fedora builds it, but it is not
 *    the EL host's distro.
 * 4. Anything else is 'third-party' and its vendor is the host name of its first baseurl (else
 *    metalink, else mirrorlist): "rpm.grafana.com", "download.docker.com". That is a stand-in
 *    the user can map to an organisation (vendorEquivalences) or replace with a hint; a repo
 *    without a network URL gets `repo:<id>`. We do not guess 'upstream' — whether a vendor is the
 *    upstream of what it ships is a per-package fact, not a per-repo one.
 */
import type { RepoRole } from './types.js';
import type { IniComment, IniDocument } from './ini.js';
import type { OsRelease } from './os-release.js';

const ROLES: readonly RepoRole[] = ['distro', 'upstream', 'third-party'];

export interface RepoHints {
  vendor?: string;
  role?: RepoRole;
}

const HINT = /^repoclash-(vendor|role)\s*:\s*(.*?)\s*$/i;

/** Read `repoclash-vendor:` / `repoclash-role:` hints; an unknown role is reported, not used. */
export function hintsFromComments(comments: readonly IniComment[], warn: (message: string, line: number) => void): RepoHints {
  const hints: RepoHints = {};
  for (const c of comments) {
    const m = HINT.exec(c.text);
    if (!m) continue;
    const value = m[2] as string;
    if ((m[1] as string).toLowerCase() === 'vendor') {
      if (value !== '') hints.vendor = value;
    } else if ((ROLES as readonly string[]).includes(value)) {
      hints.role = value as RepoRole;
    } else {
      warn(`unknown repoclash-role "${value}" (expected ${ROLES.join(', ')})`, c.line);
    }
  }
  return hints;
}

const DISTRO_REPO_IDS = new Set([
  // Fedora
  'fedora', 'updates', 'updates-testing', 'fedora-cisco-openh264', 'fedora-modular', 'updates-modular',
  'updates-testing-modular', 'updates-archive',
  // RHEL 8+/CentOS Stream/Rocky/Alma
  'baseos', 'appstream', 'crb', 'powertools', 'extras', 'extras-common', 'highavailability',
  'resilientstorage', 'rt', 'nfv', 'sap', 'saphana', 'plus', 'devel',
  // CentOS 7
  'base', 'centosplus',
]);

/** Whether a repo id is one of the distro's own repos (see the file comment for the list). */
export function isDistroRepoId(id: string): boolean {
  const lower = id.toLowerCase();
  const stem = lower.replace(/-(debuginfo|debug|source)(-rpms)?$/, '');
  return DISTRO_REPO_IDS.has(stem) || /^rhel-/.test(lower) || /^ol\d+_/.test(lower);
}

const DISTRO_VENDORS: Readonly<Record<string, string>> = {
  fedora: 'Fedora Project',
  rhel: 'Red Hat, Inc.',
  centos: 'CentOS',
  rocky: 'Rocky Enterprise Software Foundation',
  almalinux: 'AlmaLinux',
  ol: 'Oracle America',
  amzn: 'Amazon Linux',
};

/** The rpm Vendor tag the distro's own packages carry, as far as we know it. */
export function distroVendor(os: OsRelease | null): string | undefined {
  if (!os) return undefined;
  return (os.id !== undefined ? DISTRO_VENDORS[os.id] : undefined) ?? os.name;
}

/** Host name of the first URL that has one, lowercased; undefined for file:// and junk. */
export function hostOfFirstUrl(urls: readonly string[]): string | undefined {
  for (const u of urls) {
    try {
      const host = new URL(u).hostname.toLowerCase();
      if (host !== '') return host;
    } catch {
      // Not a URL (or an unexpanded variable in the host part): try the next.
    }
  }
  return undefined;
}

export interface VendorInput {
  id: string;
  urls: readonly string[];
  sectionHints: RepoHints;
  fileHints: RepoHints;
  os: OsRelease | null;
}

export function deriveVendorAndRole(input: VendorInput): { vendor: string; role: RepoRole } {
  const hinted = { ...input.fileHints, ...input.sectionHints };
  let role: RepoRole;
  let vendor: string | undefined;
  if (isDistroRepoId(input.id)) {
    role = 'distro';
    vendor = distroVendor(input.os);
  } else if (/^epel/i.test(input.id)) {
    role = 'third-party';
    vendor = 'Fedora Project';
  } else {
    role = 'third-party';
  }
  vendor ??= hostOfFirstUrl(input.urls) ?? `repo:${input.id}`;
  return { vendor: hinted.vendor ?? vendor, role: hinted.role ?? role };
}

/**
 * Hints that sit in a comment block directly above a later `[section]` header. By the rule above
 * they belong to the section they are in (the one before), but they read as if meant for the next
 * one, so the loader warns about them instead of silently giving one repo another's vendor.
 */
export function hintsAboveHeaders(doc: IniDocument): { line: number; nextSection: string }[] {
  const commentLines = new Set([...doc.headerComments, ...doc.sections.flatMap((s) => s.comments)].map((c) => c.line));
  const headers = doc.sections
    .flatMap((s) => s.headerLines.map((line) => ({ line, name: s.name })))
    .sort((a, b) => a.line - b.line);
  const found: { line: number; nextSection: string }[] = [];
  for (const section of doc.sections) {
    for (const c of section.comments) {
      if (!HINT.test(c.text)) continue;
      const next = headers.find((h) => h.line > c.line);
      if (!next) continue;
      let line = c.line + 1;
      while (line < next.line && commentLines.has(line)) line++;
      if (line === next.line) found.push({ line: c.line, nextSection: next.name });
    }
  }
  return found;
}
