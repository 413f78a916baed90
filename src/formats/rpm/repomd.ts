/** repodata/repomd.xml: the index that names and checksums every other metadata file. */
import { FormatError, type ErrorLocation } from '../../errors.js';
import { attr, child, children, parseSmallXml, textOf, type XmlNode } from '../xml/small-document.js';

export interface RepomdChecksum {
  type: string;
  value: string;
}

export interface RepomdData {
  /** primary, filelists, other, primary_db, primary_zck, group, group_gz, updateinfo, modules, … */
  type: string;
  location: { href: string; base?: string };
  /** Of the file as stored (compressed). */
  checksum: RepomdChecksum;
  /** Of the decompressed content, when given. */
  openChecksum: RepomdChecksum | null;
  /** Seconds since the epoch; old repos wrote floats, kept as given. */
  timestamp: number | null;
  size: number | null;
  openSize: number | null;
}

export interface Repomd {
  /** Often a unix time, but any string is allowed. */
  revision: string | null;
  data: RepomdData[];
}

export async function parseRepomd(text: string, where: ErrorLocation = {}): Promise<Repomd> {
  const { root, node } = await parseSmallXml(text, where);
  if (root !== 'repomd' && !root.endsWith(':repomd')) {
    throw new FormatError(`expected a <repomd> document, found <${root}>`, where);
  }
  const data = children(node, 'data').map((d) => parseData(d, where));
  return { revision: textOf(child(node, 'revision')) ?? null, data };
}

function parseData(node: XmlNode, where: ErrorLocation): RepomdData {
  const type = attr(node, 'type');
  if (!type) throw new FormatError('<data> without a type attribute', where);
  const location = child(node, 'location');
  const href = attr(location, 'href');
  if (!href) throw new FormatError(`<data type="${type}"> has no <location href>`, where);
  const checksum = checksumOf(child(node, 'checksum'));
  if (!checksum) throw new FormatError(`<data type="${type}"> has no <checksum>`, where);
  const base = attr(location, 'xml:base');
  return {
    type,
    location: base ? { href, base } : { href },
    checksum,
    openChecksum: checksumOf(child(node, 'open-checksum')),
    timestamp: numberOf(child(node, 'timestamp'), `<data type="${type}"> timestamp`, where),
    size: numberOf(child(node, 'size'), `<data type="${type}"> size`, where),
    openSize: numberOf(child(node, 'open-size'), `<data type="${type}"> open-size`, where),
  };
}

function checksumOf(node: XmlNode | undefined): RepomdChecksum | null {
  const value = textOf(node);
  const type = attr(node, 'type');
  return value && type ? { type, value: value.toLowerCase() } : null;
}

function numberOf(node: XmlNode | undefined, what: string, where: ErrorLocation): number | null {
  const text = textOf(node);
  if (text === undefined || text === '') return null;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new FormatError(`${what} is not a number: "${text}"`, where);
  return value;
}

/** The one entry of exactly this type (`primary`, never `primary_db` or `primary_zck`). */
export function findData(repomd: Repomd, type: string): RepomdData | undefined {
  return repomd.data.find((d) => d.type === type);
}

/** Newest timestamp among the entries: what "this metadata is from" means for rollback checks. */
export function repomdTimestamp(repomd: Repomd): number | null {
  let best: number | null = null;
  for (const d of repomd.data) if (d.timestamp !== null && (best === null || d.timestamp > best)) best = d.timestamp;
  return best;
}
