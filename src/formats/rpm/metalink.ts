/**
 * Metalink (Fedora MirrorManager) and mirrorlist documents: where the current repomd.xml can be
 * found, and what its hashes must be. A mirror whose repomd.xml matches neither the current hashes
 * nor an alternate is stale.
 */
import { FormatError, type ErrorLocation } from '../../errors.js';
import { attr, child, children, parseSmallXml, textOf, type XmlNode } from '../xml/small-document.js';

export interface MetalinkVersion {
  timestamp: number | null;
  size: number | null;
  /** type (md5, sha1, sha256, sha512) → lowercase hex. */
  hashes: Record<string, string>;
}

export interface MetalinkUrl {
  url: string;
  protocol: string | null;
  location: string | null;
  preference: number;
}

export interface Metalink extends MetalinkVersion {
  /** Older repomd.xml versions mirrors may still legitimately serve. */
  alternates: MetalinkVersion[];
  /** Best preference first, then document order. */
  urls: MetalinkUrl[];
}

export async function parseMetalink(text: string, where: ErrorLocation = {}): Promise<Metalink> {
  const { root, node } = await parseSmallXml(text, where);
  if (root !== 'metalink' && !root.endsWith(':metalink')) {
    throw new FormatError(`expected a <metalink> document, found <${root}>`, where);
  }
  const files = children(child(node, 'files'), 'file');
  const file = files.find((f) => attr(f, 'name') === 'repomd.xml') ?? files[0];
  if (!file) throw new FormatError('metalink lists no <file>', where);
  const urls = children(child(file, 'resources'), 'url')
    .map((u, index) => ({
      index,
      url: textOf(u) ?? '',
      protocol: attr(u, 'protocol') ?? null,
      location: attr(u, 'location') ?? null,
      preference: Number(attr(u, 'preference') ?? '0') || 0,
    }))
    .filter((u) => u.url !== '')
    .sort((a, b) => b.preference - a.preference || a.index - b.index)
    .map(({ index: _index, ...u }) => u);
  return {
    ...versionOf(file),
    alternates: children(child(file, 'alternates'), 'alternate').map(versionOf),
    urls,
  };
}

function versionOf(node: XmlNode): MetalinkVersion {
  const hashes: Record<string, string> = {};
  for (const h of children(child(node, 'verification'), 'hash')) {
    const type = attr(h, 'type');
    const value = textOf(h);
    if (type && value) hashes[type.toLowerCase()] = value.toLowerCase();
  }
  const ts = textOf(child(node, 'timestamp'));
  const size = textOf(child(node, 'size'));
  return {
    timestamp: ts ? Number(ts) : null,
    size: size ? Number(size) : null,
    hashes,
  };
}

/** `https://m/x/os/repodata/repomd.xml` → `https://m/x/os/` (what a baseurl is). */
export function baseUrlFromRepomdUrl(url: string): string {
  return url.replace(/repodata\/repomd\.xml$/, '');
}

/** A mirrorlist: one base URL per line; blank lines and `#` comments ignored. */
export function parseMirrorlist(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
