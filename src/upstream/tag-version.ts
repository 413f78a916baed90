/**
 * From what upstreams publish to versions repoclash can compare: tag names to versions, and which
 * versions are pre-releases. Pre-releases are kept apart so nobody is "behind" a beta.
 */

/**
 * The version inside a tag: `v1.2.3`, `V1.2`, `release-1.2.3`, `rel_1.2`, `name-1.2.3`,
 * `name_1_2_3`, `1_2_3` (underscores as separators when no dot is present). Null when the tag holds
 * no version (a branch-like tag such as `latest` or `nightly`).
 */
export function versionFromTag(tag: string, projectName?: string): string | null {
  let text = tag.trim();
  // refs/tags/… as some APIs spell it.
  text = text.replace(/^refs\/tags\//, '');
  // A project-name prefix, spelled with - or _ (prometheus-2.0.0, node_exporter-1.0).
  if (projectName) {
    const base = projectName.split('/').pop()!.toLowerCase();
    const lower = text.toLowerCase();
    for (const sep of ['-', '_', '@', '/']) {
      if (lower.startsWith(base + sep)) {
        text = text.slice(base.length + 1);
        break;
      }
    }
  }
  text = text.replace(/^(?:release|rel|version|ver|stable)[-_/.]?/i, '');
  text = text.replace(/^v(?=\d)/i, '');
  if (!/^\d/.test(text)) {
    // Some other prefix: take the first digit run that starts a version (`foo-bar-1.2.3`).
    const m = /[-_/@](\d[\w.+~-]*)$/.exec(text);
    if (!m) return null;
    text = m[1]!;
  }
  // 1_2_3 → 1.2.3, but 1.2.3_rc1 keeps its underscore as a suffix separator.
  if (!text.includes('.') && /^\d+(?:_\d+)+/.test(text)) text = text.replace(/_/g, '.');
  return text;
}

/**
 * True for alpha, beta, rc, preview, dev, pre, snapshot, canary and nightly versions in the
 * spellings of semver (`1.0.0-rc.1`), PEP 440 (`1.0a1`, `1.0b2`, `1.0rc1`, `1.0.dev3`),
 * rpm/deb (`1.0~rc1`) and CPAN developer releases (`1.23_01`).
 */
export function looksLikePrerelease(version: string): boolean {
  if (version.includes('~')) return true;
  if (/^\d+(?:\.\d+)*_\d+$/.test(version)) return true; // CPAN developer release
  const suffix = version.replace(/^v?\d+(?:\.\d+)*/i, '');
  // A word after the numbers: long words with or without a number, single letters only with one
  // (PEP 440 `1.0a1`), so calendar versions like tzdata's `2024a` stay releases.
  return /(?:^|[.+_-])?(?:(?:alpha|beta|rc|pre|preview|dev|snapshot|canary|nightly)\.?\d*|(?:a|b|c|m)\d+)(?=$|[.+_-])/i.test(suffix);
}

/** Series of a version: its major and major.minor (`2.31.4` → `2`, `2.31`); null parts when absent. */
export function seriesOf(version: string): { major: string | null; minor: string | null } {
  const m = /^(\d+)(?:\.(\d+))?/.exec(version);
  if (!m) return { major: null, minor: null };
  return { major: m[1]!, minor: m[2] !== undefined ? `${m[1]}.${m[2]}` : null };
}

/**
 * A pre-release spelled so compareUpstream orders it before its release: `2.0.0-rc.1` and `1.0rc1`
 * become `2.0.0~rc.1` and `1.0~rc1` (rpmvercmp reads `-` as a plain separator, which would put
 * 2.0.0-rc.1 after 2.0.0).
 */
export function orderableVersion(version: string, prerelease: boolean): string {
  if (!prerelease || version.includes('~')) return version;
  const m = /^(v?\d+(?:\.\d+)*)[-.+_]?(.*)$/i.exec(version);
  return m && m[2] !== '' ? `${m[1]}~${m[2]}` : version;
}
