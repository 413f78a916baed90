/**
 * Debian `Packages` indices → DebPackage records, streaming.
 *
 * The same (Package) name may appear several times in one index (several versions, or one per
 * architecture): every stanza becomes a record, keyed downstream by (name, version, arch).
 */
import { FormatError, RepoclashError, type ErrorLocation } from '../../errors.js';
import type { DebPackage, DebSource } from '../types.js';
import { FieldSet, InternTable, readStanzaBatches, type Stanza } from './deb822.js';
import { parseProvides } from './relations.js';
import { parseDebVersion } from './version.js';

// Looked up together for each of ~77k stanzas in a full index: one pass over a stanza's fields.
const NAMES = [
  'Package',
  'Version',
  'Architecture',
  'Source',
  'Maintainer',
  'Homepage',
  'Description',
  'Provides',
  'Depends',
  'Pre-Depends',
  'Conflicts',
  'Breaks',
  'Replaces',
  'Multi-Arch',
  'Filename',
  'SHA256',
  'Size',
  'Section',
  'Phased-Update-Percentage',
] as const;
const FIELDS = new FieldSet(NAMES);
type FieldName = (typeof NAMES)[number];
/** Index of each name in NAMES, i.e. in the array pick() returns. */
const F = Object.fromEntries(NAMES.map((name, i) => [name, i])) as Record<FieldName, number>;

// `name` or `name (version)`; the version is present when it differs from the binary's (binNMUs).
const SOURCE = /^(\S+)(?:\s*\(\s*([^\s)]+)\s*\))?$/;

/**
 * Run `parse`, and give any typed error it throws the stanza's location. The location object is
 * only built on failure: this runs for every stanza of a 77k-stanza index.
 */
function located<T>(parse: () => T, stanza: Stanza, slot: Int32Array, field: FieldName, where: ErrorLocation): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof RepoclashError) {
      // The inner parsers know neither file nor line: fill both in.
      throw err.locate(fieldWhere(stanza, slot, field, where));
    }
    throw err;
  }
}

function parseSource(text: string): DebSource {
  const m = SOURCE.exec(text);
  if (m === null) throw new FormatError(`invalid Source field ${JSON.stringify(text)}`);
  const version = m[2] ?? null;
  if (version !== null) parseDebVersion(version);
  return { name: m[1]!, version };
}

function optional(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

/** Architecture, Section and Multi-Arch take a handful of values across a whole index. */
const shortValues = new InternTable();
function internedText(stanza: Stanza, slot: Int32Array, field: FieldName): string | null {
  return optional(stanza.firstLineInterned(slot[F[field]]!, shortValues));
}

/** Size: digits only; a loop is cheaper than a regular expression plus Number() per stanza. */
/**
 * Phased-Update-Percentage as apt 2.6 reads it (checked against apt-get): the leading digits
 * (`+3`, `03`, `3.5`, `3x` are 3); above 100 apt warns and ignores it, a negative or non-numeric
 * value is ignored silently; 100 is no phasing.
 */
export function phasedPercentage(text: string | null): number | null {
  if (text === null) return null;
  const m = /^\s*\+?(\d+)/.exec(text);
  if (m === null) return null;
  const n = Number(m[1]);
  return n < 100 ? n : null;
}

function parseSize(text: string): number | null {
  if (text.length === 0 || text.length > 15) return null;
  let n = 0;
  for (let k = 0; k < text.length; k++) {
    const d = text.charCodeAt(k) - 0x30;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  return n;
}

// Module-level helpers rather than closures: this runs ~77k times per index.
function fieldText(stanza: Stanza, slot: Int32Array, field: FieldName): string | null {
  return optional(stanza.firstLineAt(slot[F[field]]!));
}
function foldedText(stanza: Stanza, slot: Int32Array, field: FieldName): string | null {
  return optional(stanza.foldedAt(slot[F[field]]!));
}
function fieldWhere(stanza: Stanza, slot: Int32Array, field: FieldName, where: ErrorLocation): ErrorLocation {
  return { ...where, line: stanza.lineAt(slot[F[field]]!) };
}
function requiredText(stanza: Stanza, slot: Int32Array, field: FieldName, where: ErrorLocation): string {
  const value = fieldText(stanza, slot, field);
  if (value === null) throw new FormatError(`stanza has no ${field} field`, { ...where, line: stanza.line });
  return value;
}

/** One Packages stanza → a record. Throws FormatError / VersionSyntaxError with the stanza's line. */
export function packageFromStanza(stanza: Stanza, where: ErrorLocation = {}): DebPackage {
  const slot = stanza.pick(FIELDS);
  const name = requiredText(stanza, slot, 'Package', where);
  const version = requiredText(stanza, slot, 'Version', where);
  const architecture = internedText(stanza, slot, 'Architecture');
  if (architecture === null) throw new FormatError('stanza has no Architecture field', { ...where, line: stanza.line });
  located(() => parseDebVersion(version), stanza, slot, 'Version', where);

  const sourceText = fieldText(stanza, slot, 'Source');
  // No Source field: the source package has the binary's name and version.
  const source: DebSource = sourceText === null ? { name, version: null } : located(() => parseSource(sourceText), stanza, slot, 'Source', where);

  const providesText = foldedText(stanza, slot, 'Provides');
  const provides = providesText === null ? [] : located(() => parseProvides(providesText), stanza, slot, 'Provides', where);
  const sizeText = fieldText(stanza, slot, 'Size');
  let size: number | null = null;
  if (sizeText !== null) {
    size = parseSize(sizeText);
    if (size === null) throw new FormatError(`invalid Size ${JSON.stringify(sizeText)}`, fieldWhere(stanza, slot, 'Size', where));
  }

  return {
    package: name,
    version,
    architecture,
    source,
    maintainer: fieldText(stanza, slot, 'Maintainer'),
    homepage: fieldText(stanza, slot, 'Homepage'),
    summary: fieldText(stanza, slot, 'Description'),
    provides,
    // apt's upgrade rules need these as written; they are parsed only for the few versions a
    // `host` run looks at (parsing every stanza's Depends here would cost the crawl).
    providesText,
    depends: foldedText(stanza, slot, 'Depends'),
    preDepends: foldedText(stanza, slot, 'Pre-Depends'),
    conflicts: foldedText(stanza, slot, 'Conflicts'),
    breaks: foldedText(stanza, slot, 'Breaks'),
    replaces: foldedText(stanza, slot, 'Replaces'),
    multiArch: internedText(stanza, slot, 'Multi-Arch'),
    filename: fieldText(stanza, slot, 'Filename'),
    sha256: fieldText(stanza, slot, 'SHA256'),
    size,
    section: internedText(stanza, slot, 'Section'),
    phasedUpdatePercentage: phasedPercentage(fieldText(stanza, slot, 'Phased-Update-Percentage')),
  };
}

/** Stream a Packages file (already decompressed) as records, in file order. */
export async function* parsePackages(source: AsyncIterable<Uint8Array>, where: ErrorLocation = {}): AsyncGenerator<DebPackage> {
  for await (const batch of readStanzaBatches(source, where)) {
    for (const stanza of batch) yield packageFromStanza(stanza, where);
  }
}

/** parsePackages() one input chunk's worth at a time (for batched database inserts). */
export async function* parsePackageBatches(source: AsyncIterable<Uint8Array>, where: ErrorLocation = {}): AsyncGenerator<DebPackage[]> {
  for await (const batch of readStanzaBatches(source, where)) yield batch.map((stanza) => packageFromStanza(stanza, where));
}
