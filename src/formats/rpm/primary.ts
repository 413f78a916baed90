/**
 * Streaming parser for an rpm repository's primary.xml (createrepo_c's format): one RpmPackage per
 * `<package type="rpm">`, never holding more than the package being read.
 *
 * Elements are matched by namespace URI and local name (the tokenizer resolves prefixes), so a
 * repository that binds the rpm namespace to another prefix still parses, and a stray `<rpm:x>`
 * bound elsewhere is not mistaken for ours. Character data is decoded only inside the handful of
 * elements we keep; descriptions, file lists and requires are checked by the tokenizer but never
 * turned into strings — that is most of the bytes of a primary.xml.
 */
import { FormatError, type ErrorLocation } from '../../errors.js';
import type { Relation, RpmPackage } from '../types.js';
import { XmlTokenizer, type XmlElement, type XmlHandler } from '../xml/tokenizer.js';

export const COMMON_NAMESPACE = 'http://linux.duke.edu/metadata/common';
export const RPM_NAMESPACE = 'http://linux.duke.edu/metadata/rpm';

/** rpm's epoch is a uint32. */
const MAX_EPOCH = 4_294_967_295;
/** Largest single token (a tag, a text run): far below the 2 GiB decompression cap. */
const MAX_TOKEN_BYTES = 8 * 1024 * 1024;
/** Largest <package> element; real ones are a few KiB (file lists live in filelists.xml). */
const MAX_PACKAGE_BYTES = 16 * 1024 * 1024;

/** An attribute value quoted in an error, cut short. */
function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Which text-valued element we are inside. */
const enum Field {
  None,
  Name,
  Arch,
  Checksum,
  Summary,
  Packager,
  Url,
  License,
  Vendor,
  SourceRpm,
}

/** Codes for the elements we read, registered with the tokenizer (0: everything else). */
const enum Tag {
  Other,
  Metadata,
  Package,
  Name,
  Arch,
  Version,
  Checksum,
  Summary,
  Packager,
  Url,
  Time,
  Size,
  Location,
  Format,
  License,
  Vendor,
  SourceRpm,
  Provides,
  Obsoletes,
  Entry,
}

const INTERESTING: ReadonlyArray<[string, string, Tag]> = [
  [COMMON_NAMESPACE, 'metadata', Tag.Metadata],
  [COMMON_NAMESPACE, 'package', Tag.Package],
  [COMMON_NAMESPACE, 'name', Tag.Name],
  [COMMON_NAMESPACE, 'arch', Tag.Arch],
  [COMMON_NAMESPACE, 'version', Tag.Version],
  [COMMON_NAMESPACE, 'checksum', Tag.Checksum],
  [COMMON_NAMESPACE, 'summary', Tag.Summary],
  [COMMON_NAMESPACE, 'packager', Tag.Packager],
  [COMMON_NAMESPACE, 'url', Tag.Url],
  [COMMON_NAMESPACE, 'time', Tag.Time],
  [COMMON_NAMESPACE, 'size', Tag.Size],
  [COMMON_NAMESPACE, 'location', Tag.Location],
  [COMMON_NAMESPACE, 'format', Tag.Format],
  [RPM_NAMESPACE, 'license', Tag.License],
  [RPM_NAMESPACE, 'vendor', Tag.Vendor],
  [RPM_NAMESPACE, 'sourcerpm', Tag.SourceRpm],
  [RPM_NAMESPACE, 'provides', Tag.Provides],
  [RPM_NAMESPACE, 'obsoletes', Tag.Obsoletes],
  [RPM_NAMESPACE, 'entry', Tag.Entry],
];

/**
 * Packages read in an unusual way or skipped, for a note on the crawl result: nothing is dropped
 * silently.
 */
export interface PrimaryIrregularities {
  /** `<package>` elements without a `type` attribute, read as rpm (as dnf and createrepo_c do). */
  untyped: number;
  /** `<package type="X">` elements of another type than rpm, skipped: count per type. */
  skipped: Record<string, number>;
}

/** One line per irregularity, for the crawl's notes; empty when the document was regular. */
export function describeIrregularities(irregular: PrimaryIrregularities): string[] {
  const notes: string[] = [];
  if (irregular.untyped > 0) notes.push(`${irregular.untyped} <package> element(s) without a type attribute read as rpm packages, as dnf reads them`);
  for (const [type, count] of Object.entries(irregular.skipped).sort(([a], [b]) => (a < b ? -1 : 1))) {
    notes.push(`skipped ${count} <package type="${type}"> element(s): not rpm packages`);
  }
  return notes;
}

/** A package while it is being read; fields are filled in as their elements close. */
interface Draft {
  record: RpmPackage;
  sawName: boolean;
  sawArch: boolean;
  sawVersion: boolean;
  sawLocation: boolean;
}

class PrimaryHandler implements XmlHandler {
  /** Finished packages not yet handed to the consumer. */
  ready: RpmPackage[] = [];
  /** `packages="N"` on the root, when present. */
  declaredCount: number | null = null;
  /** Every `<package>` seen, whatever its type: what the root's count counts. */
  packageCount = 0;
  /** What was read in an unusual way or not at all (filled in as the document is read). */
  readonly irregular: PrimaryIrregularities;

  private depth = 0;
  private draft: Draft | null = null;
  private inFormat = false;
  /** The relation list being read (`rpm:provides`, `rpm:obsoletes`), null outside one. */
  private relations: Relation[] | null = null;
  private field = Field.None;
  private fieldDepth = 0;
  private fieldText = '';
  private checksumType = '';

  readonly tokenizer: XmlTokenizer;

  /** Where the open <package> began (byte offset), for the per-package cap. */
  private packageStart = 0;

  /** `irregular`: the caller's object to fill in (read it after the parse), or a private one. */
  constructor(
    private readonly where: ErrorLocation,
    irregular?: PrimaryIrregularities,
  ) {
    this.irregular = irregular ?? { untyped: 0, skipped: {} };
    this.tokenizer = new XmlTokenizer(this, { where, maxTokenBytes: MAX_TOKEN_BYTES });
    for (const [uri, local, tag] of INTERESTING) this.tokenizer.expandedName(uri, local).code = tag;
    // Nothing outside the few fields we keep is ever decoded.
    this.tokenizer.captureText = false;
  }

  openElement(element: XmlElement): void {
    const depth = ++this.depth;
    const tag: Tag = element.expanded.code;
    if (depth === 1) return this.openRoot(element, tag);
    if (depth === 2) {
      if (tag === Tag.Package) {
        this.packageCount++;
        this.packageStart = this.tokenizer.offset;
        // libsolv (dnf) reads every <package> without looking at its type; createrepo_c warns
        // about a missing type and reads it as rpm. Other types are not rpms: skipped, counted.
        const type = element.attribute('type');
        if (type === 'rpm' || type === undefined) {
          this.draft = newDraft();
          if (type === undefined) this.irregular.untyped++;
        } else {
          this.irregular.skipped[type] = (this.irregular.skipped[type] ?? 0) + 1;
        }
      }
      return;
    }
    if (this.tokenizer.offset - this.packageStart > MAX_PACKAGE_BYTES) {
      throw this.formatError(`<package> longer than ${MAX_PACKAGE_BYTES} bytes: refused`);
    }
    const draft = this.draft;
    if (draft === null || tag === Tag.Other) return;
    if (depth === 3) {
      switch (tag) {
        case Tag.Name:
          return this.capture(Field.Name, depth);
        case Tag.Arch:
          return this.capture(Field.Arch, depth);
        case Tag.Summary:
          return this.capture(Field.Summary, depth);
        case Tag.Packager:
          return this.capture(Field.Packager, depth);
        case Tag.Url:
          return this.capture(Field.Url, depth);
        case Tag.Checksum:
          this.checksumType = element.attribute('type') ?? '';
          return this.capture(Field.Checksum, depth);
        case Tag.Version:
          return this.readVersion(element, draft);
        case Tag.Time:
          draft.record.fileTime = this.integer(element, 'file');
          draft.record.buildTime = this.integer(element, 'build');
          return;
        case Tag.Size:
          draft.record.packageSize = this.integer(element, 'package');
          return;
        case Tag.Location:
          return this.readLocation(element, draft);
        case Tag.Format:
          this.inFormat = true;
          return;
        default:
          return;
      }
    }
    if (depth === 4 && this.inFormat) {
      switch (tag) {
        case Tag.License:
          return this.capture(Field.License, depth);
        case Tag.Vendor:
          return this.capture(Field.Vendor, depth);
        case Tag.SourceRpm:
          return this.capture(Field.SourceRpm, depth);
        case Tag.Provides:
          this.relations = draft.record.provides;
          return;
        case Tag.Obsoletes:
          this.relations = draft.record.obsoletes;
          return;
        default:
          return;
      }
    }
    if (depth === 5 && this.relations !== null && tag === Tag.Entry) {
      this.relations.push(this.relation(element));
    }
  }

  closeElement(): void {
    const depth = this.depth--;
    if (this.field !== Field.None && depth === this.fieldDepth) {
      this.storeField();
      return;
    }
    if (depth === 5) return;
    if (depth === 4) {
      this.relations = null;
    } else if (depth === 3) {
      this.inFormat = false;
    } else if (depth === 2 && this.draft !== null) {
      this.ready.push(this.finish(this.draft));
      this.draft = null;
    }
  }

  text(value: string): void {
    this.fieldText += value;
  }

  cdata(value: string): void {
    this.fieldText += value;
  }

  private openRoot(element: XmlElement, tag: Tag): void {
    if (tag !== Tag.Metadata) {
      throw this.formatError(`root element is <${element.name.qname}> in "${element.uri}", not <metadata> in ${COMMON_NAMESPACE}`);
    }
    const declared = element.attribute('packages');
    if (declared === undefined) return;
    if (!/^[0-9]+$/.test(declared)) throw this.formatError(`<metadata packages="${declared}"> is not a count`);
    this.declaredCount = Number(declared);
  }

  private capture(field: Field, depth: number): void {
    this.field = field;
    this.fieldDepth = depth;
    this.fieldText = '';
    this.tokenizer.captureText = true;
  }

  private storeField(): void {
    const record = this.draft!.record;
    // An empty element (<rpm:vendor/>, <packager></packager>) means "not given".
    const value = this.fieldText === '' ? null : this.fieldText;
    switch (this.field) {
      case Field.Name:
        record.name = this.fieldText;
        this.draft!.sawName = this.fieldText !== '';
        break;
      case Field.Arch:
        record.arch = this.fieldText;
        this.draft!.sawArch = this.fieldText !== '';
        break;
      case Field.Checksum:
        record.checksum = value === null ? null : { type: this.checksumType, value: value.trim() };
        break;
      case Field.Summary:
        record.summary = value;
        break;
      case Field.Packager:
        record.packager = value;
        break;
      case Field.Url:
        record.url = value;
        break;
      case Field.License:
        record.license = value;
        break;
      case Field.Vendor:
        record.vendor = value;
        break;
      case Field.SourceRpm:
        record.sourcerpm = value;
        break;
    }
    this.field = Field.None;
    this.fieldText = '';
    this.tokenizer.captureText = false;
  }

  private readVersion(element: XmlElement, draft: Draft): void {
    const epoch = element.attribute('epoch');
    const ver = element.attribute('ver');
    if (ver === undefined || ver === '') throw this.formatError('<version> without a "ver" attribute');
    if (epoch !== undefined && epoch !== '' && !/^[0-9]+$/.test(epoch)) {
      throw this.formatError(`<version epoch="${epoch}"> is not a non-negative integer`);
    }
    // rpm keeps the epoch as a 32-bit unsigned number.
    if (epoch !== undefined && epoch !== '' && (epoch.length > 10 || Number(epoch) > MAX_EPOCH)) {
      throw this.formatError(`<version epoch="${clip(epoch)}"> is out of range (rpm's epoch is at most ${MAX_EPOCH})`);
    }
    draft.record.epoch = epoch === undefined || epoch === '' ? 0 : Number(epoch);
    draft.record.version = ver;
    draft.record.release = element.attribute('rel') ?? '';
    draft.sawVersion = true;
  }

  private readLocation(element: XmlElement, draft: Draft): void {
    const href = element.attribute('href');
    if (href === undefined || href === '') throw this.formatError('<location> without an "href" attribute');
    const base = element.attribute('xml:base');
    draft.record.location = base === undefined ? { href } : { href, base };
    draft.sawLocation = true;
  }

  private relation(element: XmlElement): Relation {
    // One pass over the attributes (this runs for every provides entry).
    let name: string | undefined;
    let flags: string | undefined;
    let epoch: string | undefined;
    let ver: string | undefined;
    let rel: string | undefined;
    for (let k = 0; k < element.attributeCount; k++) {
      switch (element.attributeName(k).qname) {
        case 'name':
          name = element.attributeValue(k);
          break;
        case 'flags':
          flags = element.attributeValue(k);
          break;
        case 'epoch':
          epoch = element.attributeValue(k);
          break;
        case 'ver':
          ver = element.attributeValue(k);
          break;
        case 'rel':
          rel = element.attributeValue(k);
          break;
      }
    }
    if (name === undefined || name === '') throw this.formatError('<rpm:entry> without a "name" attribute');
    if (ver === undefined) return flags === undefined ? { name } : { name, flags };
    let version = epoch !== undefined && epoch !== '' && epoch !== '0' ? `${epoch}:${ver}` : ver;
    if (rel !== undefined && rel !== '') version += `-${rel}`;
    return flags === undefined ? { name, version } : { name, flags, version };
  }

  private integer(element: XmlElement, attribute: string): number | null {
    const text = element.attribute(attribute);
    if (text === undefined || text === '') return null;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) {
      throw this.formatError(`<${element.name.qname} ${attribute}="${clip(text)}"> is not a non-negative number`);
    }
    // Times and sizes beyond 2^53 are not counts of anything real and cannot be stored exactly.
    if (value > Number.MAX_SAFE_INTEGER) {
      throw this.formatError(`<${element.name.qname} ${attribute}="${clip(text)}"> is out of range (at most ${Number.MAX_SAFE_INTEGER})`);
    }
    return Math.trunc(value);
  }

  private finish(draft: Draft): RpmPackage {
    const missing = [
      draft.sawName ? null : 'name',
      draft.sawArch ? null : 'arch',
      draft.sawVersion ? null : 'version',
      draft.sawLocation ? null : 'location',
    ].filter((m): m is string => m !== null);
    if (missing.length > 0) {
      const which = draft.sawName ? ` ${draft.record.name}` : '';
      throw this.formatError(`package${which} has no ${missing.join(', ')}`);
    }
    return draft.record;
  }

  formatError(message: string): FormatError {
    return new FormatError(message, { ...this.where, offset: this.tokenizer.offset });
  }
}

function newDraft(): Draft {
  return {
    record: {
      name: '',
      arch: '',
      epoch: 0,
      version: '',
      release: '',
      summary: null,
      url: null,
      vendor: null,
      packager: null,
      license: null,
      sourcerpm: null,
      buildTime: null,
      fileTime: null,
      packageSize: null,
      location: { href: '' },
      checksum: null,
      provides: [],
      obsoletes: [],
    },
    sawName: false,
    sawArch: false,
    sawVersion: false,
    sawLocation: false,
  };
}

/**
 * Parses primary.xml bytes (already decompressed), yielding the packages finished by each chunk
 * as one array. Pass `irregular` to learn which packages were read as rpm without a type or
 * skipped (see {@link describeIrregularities}). Cheaper per package than {@link parsePrimary} for bulk consumers such as the store.
 * Throws XmlError for malformed XML (any DOCTYPE/ENTITY included) and FormatError when the document
 * does not have primary.xml's shape or its `packages="N"` disagrees with what was read.
 */
export async function* parsePrimaryBatches(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  where: ErrorLocation = {},
  irregular?: PrimaryIrregularities,
): AsyncGenerator<RpmPackage[]> {
  const handler = new PrimaryHandler(where, irregular);
  const tokenizer = handler.tokenizer;
  for await (const chunk of source) {
    tokenizer.write(chunk);
    if (handler.ready.length > 0) {
      const batch = handler.ready;
      handler.ready = [];
      yield batch;
    }
  }
  tokenizer.end();
  if (handler.ready.length > 0) yield handler.ready;
  if (handler.declaredCount !== null && handler.declaredCount !== handler.packageCount) {
    throw handler.formatError(
      `<metadata packages="${handler.declaredCount}"> but the document holds ${handler.packageCount} packages (truncated or inconsistent metadata)`,
    );
  }
}

/** Parses primary.xml bytes (already decompressed), one package at a time. See {@link parsePrimaryBatches}. */
export async function* parsePrimary(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  where: ErrorLocation = {},
): AsyncGenerator<RpmPackage> {
  for await (const batch of parsePrimaryBatches(source, where)) yield* batch;
}
