/**
 * repodata's `modules.yaml` (repomd type "modules"): a multi-document YAML stream of modulemd v2
 * documents (one module stream build: name, stream, version, context, arch, the rpms it ships as
 * NEVRAs) and modulemd-defaults v1 documents (a module's default stream). Other documents
 * (modulemd-obsoletes, modulemd-translations) are skipped.
 *
 * Read as a stream, one document at a time (yaml's Parser + Composer over the decoded chunks), so
 * only the document being read is ever in memory, and with the failsafe schema: every scalar is a
 * string, as libmodulemd reads them (`stream: 1.10` is "1.10", not the number 1.1). Aliases are
 * capped by yaml's maxAliasCount; the caller caps the decompressed size.
 */
import { Composer, Parser, type Document } from 'yaml';
import { FormatError, type ErrorLocation } from '../../errors.js';

/** One modulemd v2 document: a build of one stream of one module for one arch. */
export interface ModuleStream {
  name: string;
  stream: string;
  version: number;
  context: string;
  arch: string;
  /** `artifacts: rpms:` — NEVRAs with the epoch spelled out ("postgresql-0:13.10-1.el9.x86_64"). */
  artifacts: string[];
  /** The streams of `platform` any of the `dependencies` entries requires (empty: no requirement). */
  requiresPlatform: string[][];
}

/** One modulemd-defaults v1 document. */
export interface ModuleDefaults {
  module: string;
  /** The default stream; null when the document names none. */
  stream: string | null;
}

export interface ModuleMetadata {
  streams: ModuleStream[];
  defaults: ModuleDefaults[];
}

/** More than any real repo publishes (EL 8 AppStream: ~1,000 documents); a bound on hostile input. */
const MAX_DOCUMENTS = 100_000;
const MAX_ARTIFACTS = 100_000;

type Plain = string | Plain[] | { [key: string]: Plain } | null;

function asMap(value: Plain | undefined): Record<string, Plain> | null {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value) ? value : null;
}

function asString(value: Plain | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

function asStrings(value: Plain | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function readStream(data: Record<string, Plain>, fail: (why: string) => never): ModuleStream {
  const name = asString(data['name']);
  const stream = asString(data['stream']);
  if (name === null || stream === null) fail('a modulemd document without data.name or data.stream');
  const versionText = asString(data['version']) ?? '0';
  if (!/^\d+$/.test(versionText)) fail(`module ${name}:${stream}: version "${versionText}" is not a number`);
  const artifacts = asStrings(asMap(data['artifacts'])?.['rpms']);
  if (artifacts.length > MAX_ARTIFACTS) fail(`module ${name}:${stream}: more than ${MAX_ARTIFACTS} artifacts`);
  const dependencies = Array.isArray(data['dependencies']) ? data['dependencies'] : [];
  const requiresPlatform: string[][] = [];
  for (const dep of dependencies) {
    const platform = asMap(asMap(dep)?.['requires'])?.['platform'];
    if (platform !== undefined) requiresPlatform.push(typeof platform === 'string' ? [platform] : asStrings(platform));
  }
  return {
    name: name!,
    stream: stream!,
    version: Number(versionText),
    context: asString(data['context']) ?? '',
    arch: asString(data['arch']) ?? 'noarch',
    artifacts,
    requiresPlatform,
  };
}

/** Turn one YAML document into a stream or defaults entry (or nothing, for other kinds). */
function readDocument(doc: Document, out: ModuleMetadata, where: ErrorLocation): void {
  const fail = (why: string): never => {
    throw new FormatError(`modules.yaml: ${why}`, where);
  };
  if (doc.errors.length > 0) fail(doc.errors[0]!.message.split('\n')[0]!);
  const root = asMap(doc.toJS({ maxAliasCount: 100 }) as Plain);
  if (root === null) return; // an empty document (a stray `---`)
  const kind = asString(root['document']);
  const version = asString(root['version']);
  const data = asMap(root['data']);
  if (kind === 'modulemd') {
    if (version !== '2') return; // v1 is long gone from repos; v3 is a packager format, never published
    if (data === null) fail('a modulemd document without data');
    out.streams.push(readStream(data!, fail));
  } else if (kind === 'modulemd-defaults') {
    if (data === null) fail('a modulemd-defaults document without data');
    const module = asString(data!['module']);
    if (module === null) fail('a modulemd-defaults document without data.module');
    out.defaults.push({ module: module!, stream: asString(data!['stream']) });
  }
}

/** Parse modules.yaml bytes (already decompressed), one document at a time. */
export async function parseModulesYaml(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, where: ErrorLocation = {}): Promise<ModuleMetadata> {
  const out: ModuleMetadata = { streams: [], defaults: [] };
  const parser = new Parser();
  const composer = new Composer({ schema: 'failsafe', uniqueKeys: false });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let documents = 0;
  const take = (docs: Iterable<Document.Parsed>) => {
    for (const doc of docs) {
      if (++documents > MAX_DOCUMENTS) throw new FormatError(`modules.yaml: more than ${MAX_DOCUMENTS} documents`, where);
      readDocument(doc, out, where);
    }
  };
  try {
    for await (const chunk of source) {
      for (const token of parser.parse(decoder.decode(chunk, { stream: true }), true)) take(composer.next(token));
    }
    for (const token of parser.parse(decoder.decode(), false)) take(composer.next(token));
    take(composer.end());
  } catch (err) {
    if (err instanceof FormatError) throw err;
    throw new FormatError(`modules.yaml: ${err instanceof Error ? err.message : String(err)}`, where, { cause: err });
  }
  return out;
}
